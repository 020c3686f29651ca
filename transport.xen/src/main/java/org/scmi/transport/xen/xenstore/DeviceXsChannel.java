package org.scmi.transport.xen.xenstore;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.scmi.linux.Linux;

/**
 * A XenStore connection through the kernel's {@code /dev/xen/xenbus} device, which every domain
 * has (a driver domain has nothing else). The kernel answers WATCH/UNWATCH itself and ends open
 * transactions when the fd closes; a write must hold one whole message.
 */
public final class DeviceXsChannel implements XsChannel {
    private final int fd;
    /** Polled this often so that a closed channel's reader notices and returns. */
    private static final int POLL_MILLIS = 200;
    private final MemorySegment readBuffer = Arena.ofAuto().allocate(XsWire.HEADER_SIZE + XsWire.PAYLOAD_MAX);
    private volatile boolean closed;

    private DeviceXsChannel(int fd) {
        this.fd = fd;
    }

    public static DeviceXsChannel open(String device) throws IOException {
        return new DeviceXsChannel(Linux.open(device, Linux.O_RDWR));
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        synchronized (readBuffer) {
            short[] revents = new short[1];
            // A blocked read(2) on the device is not woken by close(2): wait in poll instead.
            while (Linux.poll(new int[] {fd}, revents, POLL_MILLIS) == 0) {
                if (closed) {
                    return -1;
                }
            }
            if (closed) {
                return -1;
            }
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
    public void close() {
        closed = true;
        // The reader leaves its poll within POLL_MILLIS; only then is the fd number released.
        synchronized (readBuffer) {
            Linux.close(fd);
        }
    }
}
