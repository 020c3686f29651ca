package org.scmi.transport.xen.sim;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Optional;
import org.scmi.linux.Errno;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.EventChannels;
import org.scmi.transport.xen.hypervisor.InterruptTrigger;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.PageMapping;
import org.scmi.transport.xen.hypervisor.QueueKick;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.transport.xen.xenstore.XenStoreClient;

/**
 * A simulated hypervisor running in another process, reached through its {@link SimDeviceServer}
 * the way a backend reaches real Xen through {@code /dev/xen}: one privcmd connection for
 * device-model operations and mappings, one evtchn connection per event-channel handle, its
 * XenStore on its socket. Guest RAM and ioreq pages are the simulation's memfds, mapped here
 * shared; eventfds for irqfd and ioeventfd are this process's, passed to the simulated kernel.
 * When this process dies, the simulation releases what it held as the kernel would (see
 * {@link SimDeviceServer}), and another process connecting to it finds the guests and their
 * IOREQ servers where this one left them.
 *
 * <p>Thread-safe: privcmd requests are serialised on their connection.
 */
public class RemoteSimHypervisor implements XenHypervisor {
    private final Path socket;
    private final DeviceWire privcmd;
    private final boolean fastPaths;
    private final Path stateDirectory;
    private final Path xenStoreSocket;
    private final String description;
    private boolean closed;

    /** Opens the simulated privcmd of the hypervisor whose devices are served on {@code socket}. */
    public RemoteSimHypervisor(Path socket) throws IOException {
        this.socket = socket.toAbsolutePath();
        this.privcmd = open(this.socket, DeviceWire.OPEN_PRIVCMD);
        try {
            ByteBuffer info = awaitReply(privcmd, "opening privcmd").payload();
            info.getInt(); // the backend domain: the simulation's, whatever this process thinks
            this.fastPaths = info.get() != 0;
            this.stateDirectory = Path.of(DeviceWire.getString(info));
            this.xenStoreSocket = Path.of(DeviceWire.getString(info));
            this.description = DeviceWire.getString(info) + ", from another process through " + this.socket;
        } catch (IOException | RuntimeException e) {
            privcmd.close();
            throw e;
        }
    }

    private static DeviceWire open(Path socket, int device) throws XenException {
        try {
            DeviceWire wire = new DeviceWire(Linux.connectUnix(socket.toString()));
            try {
                wire.send(device, DeviceWire.payload(0));
                return wire;
            } catch (LinuxException e) {
                wire.close();
                throw e;
            }
        } catch (LinuxException e) {
            throw new XenException("opening the simulated Xen device at " + socket, e);
        }
    }

    /** Waits for a reply; its payload after the errno, or the errno as an exception. */
    private static DeviceWire.Frame awaitReply(DeviceWire wire, String what) throws XenException {
        DeviceWire.Frame reply;
        try {
            reply = wire.receive();
        } catch (LinuxException | EOFException e) {
            throw new XenException(what + ": the simulated Xen is gone (" + e.getMessage() + ")", Errno.ENODEV);
        }
        return checked(reply, what);
    }

    private static DeviceWire.Frame checked(DeviceWire.Frame reply, String what) throws XenException {
        int errno = reply.payload().getInt();
        if (errno != 0) {
            DeviceWire.closeAll(reply.fds());
            throw new XenException(what, errno);
        }
        return reply;
    }

    /** One privcmd request and its reply. */
    private synchronized DeviceWire.Frame call(int request, ByteBuffer parameters, String what, int... fds)
            throws XenException {
        try {
            privcmd.send(request, parameters, fds);
        } catch (LinuxException e) {
            throw new XenException(what + ": the simulated Xen is gone", e);
        }
        return awaitReply(privcmd, what);
    }

    private static ByteBuffer parameters(int... words) {
        ByteBuffer buffer = DeviceWire.payload(64 + Integer.BYTES * words.length);
        for (int word : words) {
            buffer.putInt(word);
        }
        return buffer;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int vcpuCount(int domid) throws XenException {
        return call(DeviceWire.NR_VCPUS, parameters(domid), "nr_vcpus of domain " + domid).payload().getInt();
    }

    @Override
    public IoreqServer createIoreqServer(int domid) throws XenException {
        return ioreqServer(domid, call(DeviceWire.CREATE_IOREQ_SERVER, parameters(domid),
                "create ioreq server for domain " + domid));
    }

    @Override
    public IoreqServer openIoreqServer(int domid, int id) throws XenException {
        return ioreqServer(domid, call(DeviceWire.OPEN_IOREQ_SERVER, parameters(domid, id),
                "ioreq server " + id + " of domain " + domid));
    }

    private IoreqServer ioreqServer(int domid, DeviceWire.Frame reply) throws XenException {
        ByteBuffer results = reply.payload();
        int id = results.getInt();
        int vcpus = results.getInt();
        int pageFd = reply.fd();
        try {
            MemorySegment page = Linux.mmap(pageFd, XenAbi.XEN_PAGE_SIZE, 0, true);
            return new RemoteIoreqServer(domid, id, vcpus, page);
        } catch (LinuxException e) {
            throw new XenException("mapping the ioreq page of server " + id, e);
        } finally {
            Linux.close(pageFd);
        }
    }

    /** A server of the simulation with its page mapped here. */
    private final class RemoteIoreqServer implements IoreqServer {
        private final int domid;
        private final int id;
        private final int vcpus;
        private final MemorySegment page;
        private boolean released;

        RemoteIoreqServer(int domid, int id, int vcpus, MemorySegment page) {
            this.domid = domid;
            this.id = id;
            this.vcpus = vcpus;
            this.page = page;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public int domid() {
            return domid;
        }

        @Override
        public int vcpuCount() {
            return vcpus;
        }

        @Override
        public MemorySegment page() {
            return page;
        }

        @Override
        public void mapMmio(long start, long endInclusive) throws XenException {
            range(DeviceWire.MAP_IO_RANGE, start, endInclusive);
        }

        @Override
        public void unmapMmio(long start, long endInclusive) throws XenException {
            range(DeviceWire.UNMAP_IO_RANGE, start, endInclusive);
        }

        private void range(int request, long start, long endInclusive) throws XenException {
            ByteBuffer parameters = parameters(domid, id);
            parameters.putLong(start).putLong(endInclusive);
            call(request, parameters, String.format("io range 0x%x-0x%x of server %d", start, endInclusive, id));
        }

        @Override
        public synchronized void release() {
            if (!released) {
                released = true;
                try {
                    Linux.munmap(page);
                } catch (LinuxException e) {
                    throw new IllegalStateException("unmapping an ioreq page", e);
                }
            }
        }

        @Override
        public void close() {
            try {
                call(DeviceWire.DESTROY_IOREQ_SERVER, parameters(domid, id), "destroy ioreq server " + id);
            } catch (XenException e) {
                // the guest is gone, and its servers with it
            }
            release();
        }
    }

    @Override
    public void setIrqLevel(int domid, int irq, boolean high) throws XenException {
        ByteBuffer parameters = parameters(domid, irq);
        parameters.put((byte) (high ? 1 : 0));
        call(DeviceWire.SET_IRQ_LEVEL, parameters, "set_irq_level " + irq + " of domain " + domid);
    }

    @Override
    public EventChannels openEventChannels() throws XenException {
        DeviceWire wire = open(socket, DeviceWire.OPEN_EVTCHN);
        try {
            awaitReply(wire, "opening evtchn");
            return new RemoteEventChannels(wire);
        } catch (XenException | RuntimeException e) {
            wire.close();
            throw e;
        }
    }

    @Override
    public PageMapping mapForeignFrames(int domid, long firstFrame, int count, boolean writable) throws XenException {
        ByteBuffer parameters = parameters(domid);
        parameters.putLong(firstFrame).putInt(count).put((byte) (writable ? 1 : 0));
        DeviceWire.Frame reply = call(DeviceWire.MAP_FOREIGN, parameters,
                String.format("foreign map of frames 0x%x+%d of domain %d", firstFrame, count, domid));
        long offset = reply.payload().getLong();
        int ramFd = reply.fd();
        try {
            return SimMapping.ofFile(ramFd, offset, count, writable, () -> { });
        } finally {
            Linux.close(ramFd);
        }
    }

    @Override
    public PageMapping mapGrants(int domid, long firstRef, int count, boolean writable) throws XenException {
        ByteBuffer parameters = parameters(domid);
        parameters.putLong(firstRef).putInt(count).put((byte) (writable ? 1 : 0));
        DeviceWire.Frame reply = call(DeviceWire.MAP_GRANTS, parameters,
                String.format("grant map of references %d+%d of domain %d", firstRef, count, domid));
        ByteBuffer results = reply.payload();
        int handle = results.getInt();
        long[] offsets = new long[results.getInt()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = results.getLong();
        }
        int ramFd = reply.fd();
        try {
            return SimMapping.ofFrames(ramFd, offsets, writable, () -> unmapGrants(handle));
        } finally {
            Linux.close(ramFd);
        }
    }

    private void unmapGrants(int handle) {
        try {
            call(DeviceWire.UNMAP_GRANTS, parameters(handle), "grant unmap");
        } catch (XenException e) {
            // the simulation is gone: nothing is mapped any more
        }
    }

    @Override
    public Optional<InterruptTrigger> interruptTrigger(int domid, int irq) throws XenException {
        if (!fastPaths) {
            return Optional.empty();
        }
        int eventfd = SimKernelFastPaths.eventfd("irqfd");
        int handle;
        try {
            handle = call(DeviceWire.IRQFD, parameters(domid, irq), "irqfd for SPI " + irq, eventfd).payload()
                    .getInt();
        } catch (XenException e) {
            Linux.close(eventfd);
            throw e;
        }
        return Optional.of(new InterruptTrigger() {
            @Override
            public void trigger() throws XenException {
                try {
                    Linux.eventfdSignal(eventfd);
                } catch (LinuxException e) {
                    throw new XenException("signalling irqfd", e);
                }
            }

            @Override
            public void close() {
                try {
                    call(DeviceWire.IRQFD_DEASSIGN, parameters(handle), "irqfd deassign");
                } catch (XenException e) {
                    // the simulation is gone
                }
                Linux.close(eventfd);
            }
        });
    }

    @Override
    public Optional<QueueKick> queueKick(IoreqServer server, int[] localPorts, long notifyAddress, int queue)
            throws XenException {
        if (!fastPaths) {
            return Optional.empty();
        }
        int eventfd = SimKernelFastPaths.eventfd("ioeventfd");
        ByteBuffer parameters = parameters(server.domid(), server.id());
        parameters.putLong(notifyAddress).putInt(queue).putInt(localPorts.length);
        for (int port : localPorts) {
            parameters.putInt(port);
        }
        int handle;
        try {
            handle = call(DeviceWire.IOEVENTFD, parameters, "ioeventfd for queue " + queue, eventfd).payload()
                    .getInt();
        } catch (XenException e) {
            Linux.close(eventfd);
            throw e;
        }
        return Optional.of(new QueueKick() {
            @Override
            public int eventfd() {
                return eventfd;
            }

            @Override
            public void close() {
                try {
                    call(DeviceWire.IOEVENTFD_DEASSIGN, parameters(handle), "ioeventfd deassign");
                } catch (XenException e) {
                    // the simulation is gone
                }
                Linux.close(eventfd);
            }
        });
    }

    @Override
    public XenStore openXenStore() throws IOException {
        return XenStoreClient.connectSocket(xenStoreSocket);
    }

    @Override
    public Path stateDirectory() {
        return stateDirectory;
    }

    /** Closes the privcmd connection (what this process's exit would do). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            privcmd.shutdown();
            privcmd.close();
        }
    }

    /**
     * A simulated evtchn handle: a reader thread ("xen-sim-evtchn-client") takes the ports that
     * fire into a queue {@link #awaitPending} waits on, and the replies to bind and unbind to the
     * caller waiting for them.
     */
    private static final class RemoteEventChannels implements EventChannels {
        private final DeviceWire wire;
        private final ArrayDeque<Integer> firedPorts = new ArrayDeque<>();
        private final ArrayDeque<DeviceWire.Frame> replies = new ArrayDeque<>();
        private final Thread reader;
        private boolean wakeUpRequested;
        private boolean ended;

        RemoteEventChannels(DeviceWire wire) {
            this.wire = wire;
            this.reader = Thread.ofPlatform().daemon().name("xen-sim-evtchn-client").start(this::read);
        }

        private void read() {
            try {
                while (true) {
                    DeviceWire.Frame frame = wire.receive();
                    DeviceWire.closeAll(frame.fds());
                    synchronized (this) {
                        if (frame.kind() == DeviceWire.FIRED) {
                            int count = frame.payload().getInt();
                            for (int i = 0; i < count; i++) {
                                firedPorts.add(frame.payload().getInt());
                            }
                        } else {
                            replies.add(frame);
                        }
                        notifyAll();
                    }
                }
            } catch (LinuxException | EOFException e) {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        private void send(int request, ByteBuffer parameters) throws XenException {
            try {
                synchronized (wire) {
                    wire.send(request, parameters);
                }
            } catch (LinuxException e) {
                throw new XenException("simulated evtchn", e);
            }
        }

        private synchronized DeviceWire.Frame awaitReply(String what) throws XenException {
            while (replies.isEmpty() && !ended) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new XenException(what + ": interrupted", Errno.EINTR);
                }
            }
            if (replies.isEmpty()) {
                throw new XenException(what + ": the simulated Xen is gone", Errno.ENODEV);
            }
            return checked(replies.poll(), what);
        }

        @Override
        public int bindInterdomain(int remoteDomid, int remotePort) throws XenException {
            synchronized (this) {
                send(DeviceWire.BIND_INTERDOMAIN, parameters(remoteDomid, remotePort));
                return awaitReply("bind interdomain to " + remoteDomid + ":" + remotePort).payload().getInt();
            }
        }

        @Override
        public void unbind(int localPort) {
            synchronized (this) {
                try {
                    send(DeviceWire.UNBIND, parameters(localPort));
                    awaitReply("unbind " + localPort);
                } catch (XenException e) {
                    // gone already
                }
            }
        }

        @Override
        public void notify(int localPort) throws XenException {
            send(DeviceWire.NOTIFY, parameters(localPort));
        }

        @Override
        public synchronized int awaitPending(int[] ports) throws XenException {
            while (firedPorts.isEmpty() && !wakeUpRequested && !ended) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
            if (wakeUpRequested) {
                wakeUpRequested = false;
                return 0;
            }
            if (firedPorts.isEmpty()) {
                throw new XenException("simulated evtchn: the simulated Xen is gone", Errno.ENODEV);
            }
            int taken = 0;
            while (taken < ports.length && !firedPorts.isEmpty()) {
                ports[taken++] = firedPorts.poll();
            }
            return taken;
        }

        @Override
        public synchronized void wakeUp() {
            wakeUpRequested = true;
            notifyAll();
        }

        @Override
        public void unmask(int[] ports, int count) throws XenException {
            ByteBuffer parameters = DeviceWire.payload(Integer.BYTES * (count + 1));
            parameters.putInt(count);
            for (int i = 0; i < count; i++) {
                parameters.putInt(ports[i]);
            }
            send(DeviceWire.UNMASK, parameters);
        }

        @Override
        public void close() {
            wire.shutdown();
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            wire.close();
            synchronized (this) {
                wakeUpRequested = true;
                notifyAll();
            }
        }
    }
}
