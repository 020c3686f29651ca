package org.scmi.transport.vhostuser;

import java.util.ArrayList;
import java.util.List;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.VhostUserCodec.Header;

/**
 * The back-end's end of one vhost-user connection: reads requests (blocking) and writes replies.
 * Used by the connection handler only, one run at a time.
 */
final class MessageChannel {
    private final int socket;

    MessageChannel(int socket) {
        this.socket = socket;
    }

    /**
     * Reads the next request with its fds.
     *
     * @return the message, or null if the front-end closed the connection between messages
     * @throws ProtocolViolation for a header this back-end cannot accept or a connection closed
     *     mid-message (any fds received are closed)
     */
    Message receive() throws LinuxException, ProtocolViolation {
        byte[] headerBytes = new byte[VhostUserCodec.HEADER_SIZE];
        List<Integer> fds = new ArrayList<>();
        boolean delivered = false;
        try {
            int headerLength = read(headerBytes, fds);
            if (headerLength == 0) {
                return null;
            }
            if (headerLength < headerBytes.length) {
                throw new ProtocolViolation("connection closed inside a message header");
            }
            Header h = Header.decode(headerBytes);
            checkHeader(h);
            byte[] payload = new byte[h.size()];
            if (read(payload, fds) < payload.length) {
                throw new ProtocolViolation("connection closed inside the payload of request " + h.request());
            }
            Message message = new Message(h, payload, fds.stream().mapToInt(Integer::intValue).toArray());
            delivered = true;
            return message;
        } finally {
            if (!delivered) {
                fds.forEach(Linux::close);
            }
        }
    }

    private static void checkHeader(Header h) throws ProtocolViolation {
        if (h.version() != VhostUserCodec.VERSION) {
            throw new ProtocolViolation("request " + h.request() + " has protocol version " + h.version()
                    + ", expected " + VhostUserCodec.VERSION);
        }
        if ((h.flags() & ~VhostUserCodec.KNOWN_FLAGS) != 0 || h.isReply()) {
            throw new ProtocolViolation(String.format("request %d has invalid flags 0x%x", h.request(), h.flags()));
        }
        if (h.size() < 0 || h.size() > VhostUserCodec.MAX_PAYLOAD) {
            throw new ProtocolViolation("request " + h.request() + " announces a payload of "
                    + Integer.toUnsignedString(h.size()) + " bytes, more than " + VhostUserCodec.MAX_PAYLOAD);
        }
    }

    /**
     * Fills {@code buffer} unless the peer closes first, adding the fds that come along to
     * {@code fds}; returns the bytes read.
     */
    private int read(byte[] buffer, List<Integer> fds) throws LinuxException, ProtocolViolation {
        int filled = 0;
        while (filled < buffer.length) {
            Linux.Received received = Linux.receiveWithFds(socket, buffer, filled, buffer.length - filled);
            for (int fd : received.fds()) {
                fds.add(fd);
            }
            if (received.controlTruncated()) {
                throw new ProtocolViolation("a message carried more than " + Linux.MAX_FDS_PER_MESSAGE + " fds");
            }
            if (received.length() == 0) {
                break;
            }
            filled += received.length();
        }
        return filled;
    }

    /** Sends a reply to {@code request} with {@code payload}. */
    void reply(int request, byte[] payload) throws LinuxException {
        reply(request, payload, new int[0]);
    }

    /** Sends a reply to {@code request} with {@code payload} and {@code fds} attached (the caller keeps them). */
    void reply(int request, byte[] payload, int[] fds) throws LinuxException {
        Linux.sendWithFds(socket, VhostUserCodec.message(request, VhostUserCodec.VERSION | VhostUserCodec.FLAG_REPLY,
                payload), fds);
    }
}
