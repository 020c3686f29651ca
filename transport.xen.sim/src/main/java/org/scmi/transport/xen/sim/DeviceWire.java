package org.scmi.transport.xen.sim;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.scmi.linux.Errno;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;

/**
 * The wire between a backend process and the simulated {@code /dev/xen} devices of a
 * {@link SimDeviceServer}: frames on a Unix stream socket, each {@code u32 length} (of what
 * follows), {@code u32 kind}, then the payload, little-endian; file descriptors (memfds of guest
 * RAM and ioreq pages, eventfds) travel with a frame's first byte (SCM_RIGHTS). A connection is
 * one open device: its first frame says which ({@link #OPEN_PRIVCMD} or {@link #OPEN_EVTCHN}),
 * and closing it, by the process or by its death, is what closing the device file is.
 *
 * <p>privcmd is request and reply ({@link #REPLY}: {@code i32 errno}, then the results). evtchn
 * carries replies to BIND and UNBIND, and {@link #FIRED} frames whenever ports fire; NOTIFY and
 * UNMASK have no reply, as a write to the real device has none.
 *
 * <p>Not thread-safe: each side serialises its sends and has one reader.
 */
final class DeviceWire implements AutoCloseable {
    static final int OPEN_PRIVCMD = 1;
    static final int OPEN_EVTCHN = 2;
    // privcmd
    static final int NR_VCPUS = 10;
    static final int CREATE_IOREQ_SERVER = 11;
    static final int OPEN_IOREQ_SERVER = 12;
    static final int MAP_IO_RANGE = 13;
    static final int UNMAP_IO_RANGE = 14;
    static final int DESTROY_IOREQ_SERVER = 15;
    static final int SET_IRQ_LEVEL = 16;
    static final int MAP_FOREIGN = 17;
    static final int MAP_GRANTS = 18;
    static final int UNMAP_GRANTS = 19;
    static final int IRQFD = 20;
    static final int IRQFD_DEASSIGN = 21;
    static final int IOEVENTFD = 22;
    static final int IOEVENTFD_DEASSIGN = 23;
    // evtchn
    static final int BIND_INTERDOMAIN = 30;
    static final int UNBIND = 31;
    static final int NOTIFY = 32;
    static final int UNMASK = 33;
    // from the devices
    static final int REPLY = 0x100;
    static final int FIRED = 0x101;

    private static final int HEADER = 8;
    /** Longest frame either side accepts. */
    private static final int MAX_FRAME = 64 * 1024;

    /** One frame received, with the descriptors that came with it (the receiver's to close). */
    record Frame(int kind, ByteBuffer payload, int[] fds) {
        /** The only descriptor; closes any others. */
        int fd() {
            if (fds.length == 0) {
                throw new IllegalStateException("frame " + kind + " carries no file descriptor");
            }
            for (int i = 1; i < fds.length; i++) {
                Linux.close(fds[i]);
            }
            return fds[0];
        }
    }

    private final int socket;
    private final byte[] header = new byte[HEADER];

    DeviceWire(int socket) {
        this.socket = socket;
    }

    int socket() {
        return socket;
    }

    static ByteBuffer payload(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Sends one frame: {@code payload} from 0 to its position, with {@code fds} attached. */
    void send(int kind, ByteBuffer payload, int... fds) throws LinuxException {
        int length = payload.position();
        byte[] frame = new byte[HEADER + length];
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.BYTES + length).putInt(kind)
                .put(payload.array(), 0, length);
        Linux.sendWithFds(socket, frame, fds);
    }

    /** Sends a reply: {@code errno} (0 on success), then {@code results} up to its position. */
    void reply(int errno, ByteBuffer results, int... fds) throws LinuxException {
        ByteBuffer payload = payload(Integer.BYTES + results.position());
        payload.putInt(errno).put(results.array(), 0, results.position());
        send(REPLY, payload, fds);
    }

    /**
     * Receives one frame.
     *
     * @throws EOFException when the other side closed the connection (it exited, or died)
     */
    Frame receive() throws LinuxException, EOFException {
        int[] fds = new int[0];
        fds = readFully(header, fds);
        ByteBuffer head = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int length = head.getInt() - Integer.BYTES;
        int kind = head.getInt();
        if (length < 0 || length > MAX_FRAME) {
            closeAll(fds);
            throw new LinuxException("simulated device frame of " + length + " bytes", Errno.EINVAL);
        }
        byte[] body = new byte[length];
        fds = readFully(body, fds);
        return new Frame(kind, ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN), fds);
    }

    private int[] readFully(byte[] buffer, int[] fds) throws LinuxException, EOFException {
        int done = 0;
        while (done < buffer.length) {
            Linux.Received received = Linux.receiveWithFds(socket, buffer, done, buffer.length - done);
            if (received.fds().length > 0) {
                int[] more = Arrays.copyOf(fds, fds.length + received.fds().length);
                System.arraycopy(received.fds(), 0, more, fds.length, received.fds().length);
                fds = more;
            }
            if (received.length() == 0) {
                closeAll(fds);
                throw new EOFException("the other side closed the connection");
            }
            done += received.length();
        }
        return fds;
    }

    static void closeAll(int[] fds) {
        for (int fd : fds) {
            Linux.close(fd);
        }
    }

    static void putString(ByteBuffer buffer, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        buffer.putInt(bytes.length).put(bytes);
    }

    static String getString(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Ends the connection in both directions (a blocked reader on either side sees its end). */
    void shutdown() {
        Linux.shutdown(socket);
    }

    @Override
    public void close() {
        Linux.close(socket);
    }
}
