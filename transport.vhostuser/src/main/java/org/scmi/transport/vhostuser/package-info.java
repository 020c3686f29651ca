/**
 * The vhost-user transport: serves virtio-scmi guests of QEMU (vhost-user-scmi-pci and the mmio
 * variant) as the back-end of their device, over one Unix socket per guest.
 *
 * <h2>Configuration</h2>
 * One ConfigAdmin <b>factory configuration</b> per guest, factory PID
 * {@code org.scmi.transport.vhostuser.guest}:
 * <ul>
 * <li>{@code socketPath} (required): the Unix socket to listen on. It is the guest's identity:
 * a QEMU reconnecting on it is the same SCMI agent, and a disconnect is never the guest's end (what
 * it holds is kept for its next connection unless its agent profile says otherwise).</li>
 * <li>{@code agentName} (optional): the SCMI agent name, which agent profiles are matched by;
 * default the socket file name without its extension.</li>
 * <li>{@code backend.target} (optional, standard DS): filter selecting the virtio device backend;
 * default {@code (virtio.device.id=32)}.</li>
 * </ul>
 * Adding a configuration starts serving a guest, deleting it stops serving it (its socket file is
 * removed), changing it restarts that guest's socket only; other guests are not touched. Each
 * socket logs one line {@code listening on PATH} when it is ready for QEMU.
 *
 * <h2>Protocol</h2>
 * The requests QEMU 10 sends for vhost-user-scmi, as QEMU's {@code docs/interop/vhost-user.rst}
 * defines them: features and protocol features (MQ, REPLY_ACK, INFLIGHT_SHMFD, RESET_DEVICE
 * offered), owner, memory table (each region mapped shared from its fd, unmapped on replacement and
 * disconnect), vring num/addr/base/kick/call/err/enable, GET_VRING_BASE stopping a ring, and
 * GET/SET_INFLIGHT_FD: the split-ring inflight region ({@link org.scmi.transport.vhostuser.InflightRegion})
 * in which the device records the chains it takes and returns, so that a server started after a
 * crash answers what the dead one left in flight exactly once. Anything else, and any
 * malformed request, is logged against the guest and closes the connection cleanly; the socket
 * keeps accepting.
 *
 * <h2>Threads</h2>
 * None per guest: a small pool shared by every guest ({@link org.scmi.transport.vhostuser.Poller},
 * two threads while guests are quiet) waits in epoll for every listening socket, connection and kick
 * eventfd, and runs what is ready inline: accepting, one vhost-user request (which owns all
 * protocol state of its connection), or a kick (the device's queue notification: commands are
 * answered on that thread). One fd is handled by one thread at a time; a handler that blocks (a
 * slow synchronous command, say) makes the pool start another thread, so it never holds up other
 * guests. A queue that always has work is served in turns: after each, the guest is interrupted and
 * its events go out, and its kick handler goes on with the next turn while the pool's waiting
 * thread takes the other guests' ready fds ({@code GuestTransport.resumeLater} says no from a kick
 * handler; from the connection handler starting a queue, it signals the queue's kick eventfd). Device threads signal call and err eventfds through
 * {@link org.scmi.transport.vhostuser.EventFdSlot}. Nothing polls: every thread blocks in
 * epoll_wait, or in what it handles.
 */
package org.scmi.transport.vhostuser;
