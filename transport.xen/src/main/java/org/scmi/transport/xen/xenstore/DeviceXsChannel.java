package org.scmi.transport.xen.xenstore;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.scmi.linux.Linux;

/**
 * A XenStore connection through the kernel's {@code /dev/xen/xenbus} device, which every domain
 * has (a driver domain has nothing else). The kernel answers WATCH/UNWATCH itself and ends open
 * transactions when the fd closes; a write must hold one whole message. A blocked read(2) on the
 * device is not woken by close(2), so the reader waits in poll(2) on the device and on an eventfd
 * that closing signals.
 */
public final class DeviceXsChannel implements XsChannel {
    private final int fd;
    private final int closeFd;
    private final int[] pollFds;
    private final short[] pollEvents = new short[2];
    private final MemorySegment readBuffer = Arena.ofAuto().allocate(XsWire.HEADER_SIZE + XsWire.PAYLOAD_MAX);
    private volatile boolean closed;

    private DeviceXsChannel(int fd, int closeFd) {
        this.fd = fd;
        this.closeFd = closeFd;
        this.pollFds = new int[] {fd, closeFd};
    }

    public static DeviceXsChannel open(String device) throws IOException {
        int fd = Linux.open(device, Linux.O_RDWR);
        try {
            return new DeviceXsChannel(fd, Linux.eventfd(Linux.EFD_NONBLOCK));
        } catch (IOException e) {
            Linux.close(fd);
            throw e;
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        synchronized (readBuffer) {
            do {
                Linux.poll(pollFds, pollEvents, -1);
                if (closed || pollEvents[1] != 0) {
                    return -1;
                }
            } while (pollEvents[0] == 0);
            long n = Linux.read(fd, readBuffer.asSlice(0, Math.min(length, readBuffer.byteSize())));
            if (n == 0) {
                return -1;
            }
            MemorySegment.copy(readBuffer, ValueLayout.JAVA_BYTE, 0, buffer, offset, (int) n);
            return (int) n;
        }
    }

    @Override
    public synchronized void write(byte[] message) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment bytes = call.allocate(message.length);
            MemorySegment.copy(message, 0, bytes, ValueLayout.JAVA_BYTE, 0, message.length);
            long n = Linux.write(fd, bytes);
            if (n != message.length) {
                throw new IOException("xenbus device took " + n + " of " + message.length + " bytes");
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Linux.eventfdSignal(closeFd);
        } catch (IOException e) {
            throw new IllegalStateException("waking the xenbus reader", e);
        }
        // Only once the reader has left its poll are the fd numbers released.
        synchronized (readBuffer) {
            Linux.close(fd);
            Linux.close(closeFd);
        }
    }
}
