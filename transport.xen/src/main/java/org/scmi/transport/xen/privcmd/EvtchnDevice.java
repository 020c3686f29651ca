package org.scmi.transport.xen.privcmd;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.scmi.transport.xen.abi.XenAbi.offset;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.scmi.linux.Errno;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.EventChannels;
import org.scmi.transport.xen.hypervisor.XenException;

/**
 * One {@code /dev/xen/evtchn} handle. Fired ports are read as 4-byte words and re-enabled by
 * writing the same words back; an overflowed queue (EFBIG) is reset and every bound port is
 * reported, so the caller rescans all of its slots. The waiting thread polls the device and an
 * eventfd that {@link #wakeUp} signals.
 *
 * <p>Every buffer the per-access calls need (the words read, the words written back, the notify
 * argument, the pollfd set) is allocated once with the handle: waiting, unmasking and notifying
 * allocate nothing.
 */
final class EvtchnDevice implements EventChannels {
    private static final int EFBIG = 27;
    /** The kernel returns at most a page of ports per read. */
    private static final int MAX_PORTS_PER_READ = XenAbi.XEN_PAGE_SIZE / XenAbi.EVTCHN_PORT_BYTES;

    private final int fd;
    private final int wakeFd;
    private final Set<Integer> bound = ConcurrentHashMap.newKeySet();
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment fired = arena.allocate(XenAbi.XEN_PAGE_SIZE);
    private final MemorySegment unmasked = arena.allocate(XenAbi.XEN_PAGE_SIZE);
    /** Slices of {@link #fired} and {@link #unmasked} by port count, made on first use. */
    private final MemorySegment[] firedSlices = new MemorySegment[MAX_PORTS_PER_READ + 1];
    private final MemorySegment[] unmaskedSlices = new MemorySegment[MAX_PORTS_PER_READ + 1];
    private final MemorySegment notifyArgument = arena.allocate(XenAbi.EVTCHN_PORT);
    private final int[] pollFds;
    private final short[] pollEvents = new short[2];
    private volatile boolean closed;

    private EvtchnDevice(int fd, int wakeFd) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.pollFds = new int[] {fd, wakeFd};
    }

    static EvtchnDevice open() throws XenException {
        int fd;
        try {
            fd = Linux.open(XenAbi.EVTCHN_DEVICE, Linux.O_RDWR | Linux.O_NONBLOCK);
        } catch (LinuxException e) {
            throw new XenException("opening " + XenAbi.EVTCHN_DEVICE, e);
        }
        try {
            return new EvtchnDevice(fd, Linux.eventfd(Linux.EFD_NONBLOCK));
        } catch (LinuxException e) {
            Linux.close(fd);
            throw new XenException("eventfd to wake the event channel waiter", e);
        }
    }

    private static MemorySegment slice(MemorySegment[] slices, MemorySegment words, int ports) {
        MemorySegment slice = slices[ports];
        if (slice == null) {
            slice = words.asSlice(0, (long) ports * XenAbi.EVTCHN_PORT_BYTES);
            slices[ports] = slice;
        }
        return slice;
    }

    @Override
    public int bindInterdomain(int remoteDomid, int remotePort) throws XenException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment argument = call.allocate(XenAbi.EVTCHN_BIND_INTERDOMAIN);
            argument.set(JAVA_INT, offset(XenAbi.EVTCHN_BIND_INTERDOMAIN, "remote_domain"), remoteDomid);
            argument.set(JAVA_INT, offset(XenAbi.EVTCHN_BIND_INTERDOMAIN, "remote_port"), remotePort);
            int port = Linux.ioctl(fd, XenAbi.IOCTL_EVTCHN_BIND_INTERDOMAIN, argument);
            bound.add(port);
            return port;
        } catch (LinuxException e) {
            throw new XenException("binding event channel " + remoteDomid + ":" + remotePort, e);
        }
    }

    @Override
    public void unbind(int localPort) {
        if (bound.remove(localPort)) {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment argument = call.allocate(XenAbi.EVTCHN_PORT);
                argument.set(JAVA_INT, offset(XenAbi.EVTCHN_PORT, "port"), localPort);
                Linux.ioctl(fd, XenAbi.IOCTL_EVTCHN_UNBIND, argument);
            } catch (LinuxException e) {
                // the remote domain died first: the port is gone either way
            }
        }
    }

    @Override
    public void notify(int localPort) throws XenException {
        synchronized (notifyArgument) {
            notifyArgument.set(JAVA_INT, offset(XenAbi.EVTCHN_PORT, "port"), localPort);
            try {
                Linux.ioctl(fd, XenAbi.IOCTL_EVTCHN_NOTIFY, notifyArgument);
            } catch (LinuxException e) {
                throw new XenException("notify port " + localPort, e);
            }
        }
    }

    @Override
    public int awaitPending(int[] ports) throws XenException {
        int wanted = Math.min(ports.length, MAX_PORTS_PER_READ);
        try {
            while (!closed) {
                Linux.poll(pollFds, pollEvents, -1);
                if (pollEvents[1] != 0) {
                    Linux.eventfdConsume(wakeFd);
                    return 0;
                }
                if (pollEvents[0] != 0) {
                    int count = read(ports, wanted);
                    if (count > 0) {
                        return count;
                    }
                }
            }
            return 0;
        } catch (LinuxException e) {
            throw new XenException("reading " + XenAbi.EVTCHN_DEVICE, e);
        }
    }

    /** Reads up to {@code wanted} fired ports; 0 if none were there after all. */
    private int read(int[] ports, int wanted) throws LinuxException, XenException {
        long bytes;
        try {
            bytes = Linux.read(fd, slice(firedSlices, fired, wanted));
        } catch (LinuxException e) {
            if (e.errno() == Errno.EAGAIN) {
                return 0;
            }
            if (e.errno() != EFBIG) {
                throw e;
            }
            // Ports were lost from the kernel's queue, not from Xen: reset it and look at everything.
            try {
                Linux.ioctl(fd, XenAbi.IOCTL_EVTCHN_RESET, 0L);
            } catch (LinuxException reset) {
                throw new XenException("resetting the event channel queue", reset);
            }
            int count = 0;
            for (int port : bound) {
                if (count < ports.length) {
                    ports[count++] = port;
                }
            }
            return count;
        }
        int count = (int) (bytes / XenAbi.EVTCHN_PORT_BYTES);
        for (int i = 0; i < count; i++) {
            ports[i] = fired.getAtIndex(JAVA_INT, i);
        }
        return count;
    }

    @Override
    public void wakeUp() {
        try {
            Linux.eventfdSignal(wakeFd);
        } catch (LinuxException e) {
            throw new IllegalStateException("waking the event channel waiter", e);
        }
    }

    @Override
    public void unmask(int[] ports, int count) throws XenException {
        int n = Math.min(count, MAX_PORTS_PER_READ);
        if (n == 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            unmasked.setAtIndex(JAVA_INT, i, ports[i]);
        }
        try {
            Linux.write(fd, slice(unmaskedSlices, unmasked, n));
        } catch (LinuxException e) {
            throw new XenException("unmasking event channels", e);
        }
    }

    /** Closes the handle (unbinding every port); its waiter must have stopped. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Linux.close(fd);
            Linux.close(wakeFd);
        }
    }
}
