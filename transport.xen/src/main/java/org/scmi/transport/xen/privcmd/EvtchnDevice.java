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
import org.scmi.transport.xen.port.EventChannels;
import org.scmi.transport.xen.port.XenException;

/**
 * One {@code /dev/xen/evtchn} handle. Fired ports are read as 4-byte words and re-enabled by
 * writing the same words back; an overflowed queue (EFBIG) is reset and every bound port is
 * reported, so the caller rescans all of its slots.
 */
final class EvtchnDevice implements EventChannels {
    private static final int EFBIG = 27;

    private final int fd;
    private final Set<Integer> bound = ConcurrentHashMap.newKeySet();
    /** Read buffer: at most a page of ports per read, as the driver returns. */
    private final MemorySegment readBuffer = Arena.ofAuto().allocate(XenAbi.XEN_PAGE_SIZE);
    private volatile boolean closed;

    private EvtchnDevice(int fd) {
        this.fd = fd;
    }

    static EvtchnDevice open() throws XenException {
        try {
            return new EvtchnDevice(Linux.open(XenAbi.EVTCHN_DEVICE, Linux.O_RDWR | Linux.O_NONBLOCK));
        } catch (LinuxException e) {
            throw new XenException("opening " + XenAbi.EVTCHN_DEVICE, e);
        }
    }

    private int portIoctl(long request, int port, String what) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment argument = arena.allocate(XenAbi.EVTCHN_PORT);
            argument.set(JAVA_INT, offset(XenAbi.EVTCHN_PORT, "port"), port);
            return Linux.ioctl(fd, request, argument);
        } catch (LinuxException e) {
            throw new XenException(what + " port " + port, e);
        }
    }

    @Override
    public int bindInterdomain(int remoteDomid, int remotePort) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment argument = arena.allocate(XenAbi.EVTCHN_BIND_INTERDOMAIN);
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
            try {
                portIoctl(XenAbi.IOCTL_EVTCHN_UNBIND, localPort, "unbind");
            } catch (XenException e) {
                // the remote domain died first: the port is gone either way
            }
        }
    }

    @Override
    public void notify(int localPort) throws XenException {
        portIoctl(XenAbi.IOCTL_EVTCHN_NOTIFY, localPort, "notify");
    }

    @Override
    public int[] awaitPending(int timeoutMillis) throws XenException {
        short[] revents = new short[1];
        try {
            if (closed || Linux.poll(new int[] {fd}, revents, timeoutMillis) == 0) {
                return new int[0];
            }
            long n = Linux.read(fd, readBuffer);
            int[] ports = new int[(int) (n / XenAbi.EVTCHN_PORT_BYTES)];
            for (int i = 0; i < ports.length; i++) {
                ports[i] = readBuffer.getAtIndex(JAVA_INT, i);
            }
            return ports;
        } catch (LinuxException e) {
            if (e.errno() == Errno.EAGAIN) {
                return new int[0];
            }
            if (e.errno() == EFBIG) {
                // Ports were lost from the queue, not from Xen: reset it and look at everything.
                try {
                    Linux.ioctl(fd, XenAbi.IOCTL_EVTCHN_RESET, 0L);
                } catch (LinuxException reset) {
                    throw new XenException("resetting the event channel queue", reset);
                }
                return bound.stream().mapToInt(Integer::intValue).toArray();
            }
            throw new XenException("reading " + XenAbi.EVTCHN_DEVICE, e);
        }
    }

    @Override
    public void unmask(int[] ports) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment words = arena.allocate(JAVA_INT, ports.length);
            for (int i = 0; i < ports.length; i++) {
                words.setAtIndex(JAVA_INT, i, ports[i]);
            }
            Linux.write(fd, words);
        } catch (LinuxException e) {
            throw new XenException("unmasking event channels", e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Linux.close(fd); // unbinds every port bound through it
        }
    }
}
