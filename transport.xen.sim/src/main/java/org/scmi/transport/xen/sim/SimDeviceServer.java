package org.scmi.transport.xen.sim;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.scmi.linux.Errno;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.linux.UnixListener;
import org.scmi.transport.xen.hypervisor.InterruptTrigger;
import org.scmi.transport.xen.hypervisor.QueueKick;
import org.scmi.transport.xen.hypervisor.XenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated {@code /dev/xen/privcmd} and {@code /dev/xen/evtchn} of a {@link SimHypervisor},
 * for a backend running in another process ({@link RemoteSimHypervisor}): a Unix socket on which
 * each connection is one open device file (see {@link DeviceWire}). The backend's process can then
 * be killed and another one started against the same hypervisor and guests, and what the process
 * held goes the way the kernel releases it when a process dies:
 *
 * <ul>
 * <li>evtchn: its ports are closed, and each guest vCPU port bound to one goes back to unbound
 * (for the next process to bind), unless a kernel ioeventfd still uses the port;</li>
 * <li>privcmd: its grant mappings are unmapped (the guest's map counts drop) and its irqfds go
 * with their eventfd's last reference; its IOREQ servers are the backend domain's and stay, and
 * so do its ioeventfds, which privcmd keeps in a list of the module, not of the file (a new
 * process cannot name them to deassign them);</li>
 * <li>XenStore watches go with the XenStore connection, as with xenstored.</li>
 * </ul>
 *
 * <p>Threads: "xen-sim-devices" accepts; each connection has a thread reading its requests
 * ("xen-sim-privcmd-N", "xen-sim-evtchn-N"), and each evtchn connection one more sending the ports
 * that fire. {@link #killClients} closes every connection from this side, which is what the
 * backend process's death looks like from here.
 */
public final class SimDeviceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimDeviceServer.class);
    private static final int BACKLOG = 8;
    private static final int SOCKET_MODE = 0600;
    private static final int MAX_PORTS_PER_FRAME = 256;
    /** Room for any reply: a grant mapping's frame offsets are the longest. */
    private static final int RESULT_BYTES = 4096;
    private static final int MAX_GRANTS_PER_MAPPING = (RESULT_BYTES - 2 * Integer.BYTES) / Long.BYTES;

    private final SimHypervisor hypervisor;
    private final Path socket;
    private final UnixListener listener;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<DeviceWire> open = ConcurrentHashMap.newKeySet();
    /** Kernel ioeventfds: the module's, not a connection's. */
    private final Map<Integer, QueueKick> ioeventfds = new ConcurrentHashMap<>();
    private final AtomicInteger handles = new AtomicInteger();
    private volatile boolean closed;

    /** Serves the simulated devices of {@code hypervisor} on {@code socket}. */
    public SimDeviceServer(SimHypervisor hypervisor, Path socket) throws IOException {
        this.hypervisor = hypervisor;
        this.socket = socket.toAbsolutePath();
        this.listener = UnixListener.open(this.socket, BACKLOG, SOCKET_MODE, "simulated Xen devices");
        this.acceptor = Thread.ofPlatform().daemon().name("xen-sim-devices").start(this::accept);
    }

    public Path socketPath() {
        return socket;
    }

    /** Kernel ioeventfds assigned and not deassigned, whoever assigned them. */
    public int ioeventfdCount() {
        return ioeventfds.size();
    }

    private void accept() {
        while (!closed) {
            int socket = listener.accept();
            if (socket < 0) {
                return;
            }
            DeviceWire wire = new DeviceWire(socket);
            open.add(wire);
            int number = connections.incrementAndGet();
            Thread.ofPlatform().daemon().name("xen-sim-device-" + number).start(() -> serve(wire, number));
        }
    }

    private void serve(DeviceWire wire, int number) {
        try {
            DeviceWire.Frame first = wire.receive();
            DeviceWire.closeAll(first.fds());
            switch (first.kind()) {
                case DeviceWire.OPEN_PRIVCMD -> new Privcmd(wire).serve();
                case DeviceWire.OPEN_EVTCHN -> new Evtchn(wire, number).serve();
                default -> LOG.warn("simulated Xen devices: connection {} opened unknown device {}", number,
                        first.kind());
            }
        } catch (EOFException e) {
            LOG.debug("simulated Xen devices: connection {} ended", number);
        } catch (LinuxException | RuntimeException e) {
            if (!closed) {
                LOG.warn("simulated Xen devices: connection {} failed: {}", number, e.toString());
            }
        } finally {
            open.remove(wire);
            wire.close();
        }
    }

    /**
     * Ends every backend connection from this side: the simulated kernel releases what they held,
     * exactly as when the backend process dies (for a test that kills the backend in-process).
     */
    public void killClients() {
        open.forEach(DeviceWire::shutdown);
    }

    /** One open privcmd file: request and reply, and what it holds until it closes. */
    private final class Privcmd {
        private final DeviceWire wire;
        /** Grant mappings by handle: domid, first reference, count. */
        private final Map<Integer, long[]> grants = new HashMap<>();
        private final Map<Integer, InterruptTrigger> irqfds = new HashMap<>();

        Privcmd(DeviceWire wire) {
            this.wire = wire;
        }

        void serve() throws LinuxException, EOFException {
            ByteBuffer info = DeviceWire.payload(4096);
            info.putInt(hypervisor.backendDomid()).put((byte) (hypervisor.hasFastPaths() ? 1 : 0));
            DeviceWire.putString(info, hypervisor.stateDirectory().toString());
            DeviceWire.putString(info, hypervisor.xenStoreServer().socketPath().toString());
            DeviceWire.putString(info, hypervisor.description());
            wire.reply(0, info);
            try {
                while (true) {
                    DeviceWire.Frame request = wire.receive();
                    ByteBuffer results = DeviceWire.payload(RESULT_BYTES);
                    int[] fds;
                    try {
                        fds = handle(request, results);
                    } catch (XenException e) {
                        DeviceWire.closeAll(request.fds());
                        wire.reply(e.errno() != 0 ? e.errno() : Errno.EINVAL, DeviceWire.payload(0));
                        continue;
                    }
                    wire.reply(0, results, fds);
                }
            } finally {
                release();
            }
        }

        /** Carries out one request; returns the descriptors to send with the reply. */
        private int[] handle(DeviceWire.Frame request, ByteBuffer results) throws XenException {
            ByteBuffer in = request.payload();
            switch (request.kind()) {
                case DeviceWire.NR_VCPUS -> results.putInt(hypervisor.vcpuCount(in.getInt()));
                case DeviceWire.CREATE_IOREQ_SERVER -> {
                    return ioreqServer((SimIoreqServer) hypervisor.createIoreqServer(in.getInt()), results);
                }
                case DeviceWire.OPEN_IOREQ_SERVER -> {
                    int domid = in.getInt();
                    return ioreqServer((SimIoreqServer) hypervisor.openIoreqServer(domid, in.getInt()), results);
                }
                case DeviceWire.MAP_IO_RANGE, DeviceWire.UNMAP_IO_RANGE -> {
                    SimIoreqServer server = server(in.getInt(), in.getInt());
                    long start = in.getLong();
                    long end = in.getLong();
                    if (request.kind() == DeviceWire.MAP_IO_RANGE) {
                        server.mapMmio(start, end);
                    } else {
                        server.unmapMmio(start, end);
                    }
                }
                case DeviceWire.DESTROY_IOREQ_SERVER -> server(in.getInt(), in.getInt()).close();
                case DeviceWire.SET_IRQ_LEVEL -> hypervisor.setIrqLevel(in.getInt(), in.getInt(), in.get() != 0);
                case DeviceWire.MAP_FOREIGN -> {
                    int domid = in.getInt();
                    results.putLong(hypervisor.foreignOffset(domid, in.getLong(), in.getInt()));
                    return new int[] {hypervisor.live(domid, "foreign map").ramFd()};
                }
                case DeviceWire.MAP_GRANTS -> {
                    int domid = in.getInt();
                    long firstRef = in.getLong();
                    int count = in.getInt();
                    if (count > MAX_GRANTS_PER_MAPPING) {
                        throw new XenException(count + " grants in one mapping, at most " + MAX_GRANTS_PER_MAPPING,
                                Errno.EINVAL);
                    }
                    long[] offsets = hypervisor.takeGrants(domid, firstRef, count, in.get() != 0);
                    int handle = handles.incrementAndGet();
                    grants.put(handle, new long[] {domid, firstRef, count});
                    results.putInt(handle).putInt(offsets.length);
                    for (long offset : offsets) {
                        results.putLong(offset);
                    }
                    return new int[] {hypervisor.live(domid, "grant map").ramFd()};
                }
                case DeviceWire.UNMAP_GRANTS -> unmapGrants(in.getInt());
                case DeviceWire.IRQFD -> {
                    int domid = in.getInt();
                    int irq = in.getInt();
                    InterruptTrigger irqfd = hypervisor.fastPaths().irqfd(hypervisor.live(domid, "irqfd"), irq,
                            request.fd());
                    int handle = handles.incrementAndGet();
                    irqfds.put(handle, irqfd);
                    results.putInt(handle);
                    return new int[0]; // the eventfd is the irqfd's now
                }
                case DeviceWire.IRQFD_DEASSIGN -> {
                    InterruptTrigger irqfd = irqfds.remove(in.getInt());
                    if (irqfd != null) {
                        irqfd.close();
                    }
                }
                case DeviceWire.IOEVENTFD -> {
                    SimIoreqServer server = server(in.getInt(), in.getInt());
                    long notifyAddress = in.getLong();
                    int queue = in.getInt();
                    int[] ports = new int[in.getInt()];
                    for (int i = 0; i < ports.length; i++) {
                        ports[i] = in.getInt();
                    }
                    int handle = handles.incrementAndGet();
                    ioeventfds.put(handle, hypervisor.fastPaths().ioeventfd(server, ports, notifyAddress, queue,
                            request.fd()));
                    results.putInt(handle);
                    return new int[0]; // the eventfd is the ioeventfd's now
                }
                case DeviceWire.IOEVENTFD_DEASSIGN -> {
                    QueueKick kick = ioeventfds.remove(in.getInt());
                    if (kick == null) {
                        throw new XenException("ioeventfd is not assigned", Errno.ENODEV);
                    }
                    kick.close();
                }
                default -> throw new XenException("unknown privcmd request " + request.kind(), Errno.ENOTTY);
            }
            DeviceWire.closeAll(request.fds());
            return new int[0];
        }

        private int[] ioreqServer(SimIoreqServer server, ByteBuffer results) {
            results.putInt(server.id()).putInt(server.vcpuCount());
            return new int[] {server.pageFd()};
        }

        private SimIoreqServer server(int domid, int id) throws XenException {
            return hypervisor.live(domid, "ioreq server").server(id)
                    .orElseThrow(() -> new XenException("ioreq server " + id + " of domain " + domid, Errno.ENOENT));
        }

        private void unmapGrants(int handle) {
            long[] mapping = grants.remove(handle);
            if (mapping != null) {
                hypervisor.releaseGrants((int) mapping[0], mapping[1], (int) mapping[2]);
            }
        }

        /** What closing privcmd and exiting releases: grant mappings, irqfds. */
        private void release() {
            for (Integer handle : Set.copyOf(grants.keySet())) {
                unmapGrants(handle);
            }
            irqfds.values().forEach(InterruptTrigger::close);
            irqfds.clear();
        }
    }

    /** One open evtchn file: a simulated handle, its requests, and a pump sending fired ports. */
    private final class Evtchn {
        private final DeviceWire wire;
        private final SimEventChannels channels;
        private final Thread pump;

        Evtchn(DeviceWire wire, int number) {
            this.wire = wire;
            this.channels = (SimEventChannels) hypervisor.openEventChannels();
            this.pump = Thread.ofPlatform().daemon().name("xen-sim-evtchn-" + number).unstarted(this::pump);
        }

        void serve() throws LinuxException, EOFException {
            synchronized (wire) {
                wire.reply(0, DeviceWire.payload(0));
            }
            pump.start();
            try {
                while (true) {
                    DeviceWire.Frame request = wire.receive();
                    DeviceWire.closeAll(request.fds());
                    ByteBuffer in = request.payload();
                    switch (request.kind()) {
                        case DeviceWire.BIND_INTERDOMAIN -> bind(in.getInt(), in.getInt());
                        case DeviceWire.UNBIND -> {
                            channels.unbind(in.getInt());
                            synchronized (wire) {
                                wire.reply(0, DeviceWire.payload(0));
                            }
                        }
                        case DeviceWire.NOTIFY -> notify(in.getInt());
                        case DeviceWire.UNMASK -> {
                            int[] ports = new int[in.getInt()];
                            for (int i = 0; i < ports.length; i++) {
                                ports[i] = in.getInt();
                            }
                            channels.unmask(ports, ports.length);
                        }
                        default -> LOG.warn("simulated evtchn: unknown request {}", request.kind());
                    }
                }
            } finally {
                channels.close(); // what the file's release does: every port unbound
                try {
                    pump.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void bind(int remoteDomid, int remotePort) throws LinuxException {
            ByteBuffer results = DeviceWire.payload(Integer.BYTES);
            int errno = 0;
            try {
                results.putInt(channels.bindInterdomain(remoteDomid, remotePort));
            } catch (XenException e) {
                errno = e.errno();
            }
            synchronized (wire) {
                wire.reply(errno, results);
            }
        }

        private void notify(int port) {
            try {
                channels.notify(port);
            } catch (XenException e) {
                LOG.debug("simulated evtchn: notify {}: {}", port, e.getMessage());
            }
        }

        private void pump() {
            int[] ports = new int[MAX_PORTS_PER_FRAME];
            try {
                while (true) {
                    int count = channels.awaitPending(ports);
                    if (count == 0) {
                        return; // closed
                    }
                    ByteBuffer fired = DeviceWire.payload(Integer.BYTES * (count + 1));
                    fired.putInt(count);
                    for (int i = 0; i < count; i++) {
                        fired.putInt(ports[i]);
                    }
                    synchronized (wire) {
                        wire.send(DeviceWire.FIRED, fired);
                    }
                }
            } catch (LinuxException e) {
                LOG.debug("simulated evtchn: sending fired ports: {}", e.getMessage());
            }
        }
    }

    /** Stops accepting and ends every connection; kernel ioeventfds are deassigned. */
    @Override
    public void close() {
        closed = true;
        listener.shutdown();
        killClients();
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ioeventfds.values().forEach(QueueKick::close);
        ioeventfds.clear();
        listener.close();
        Linux.unlink(socketPath().toString());
    }
}
