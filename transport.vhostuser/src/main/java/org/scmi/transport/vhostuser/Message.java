package org.scmi.transport.vhostuser;

import org.scmi.linux.Linux;
import org.scmi.transport.vhostuser.VhostUserCodec.Header;

/**
 * One request as received: its header, payload and the fds that came with it. The message owns
 * its fds until a handler {@linkplain #takeFd() takes} one; {@link #closeFds()} closes the rest.
 */
final class Message {
    private final Header header;
    private final byte[] payload;
    private final int[] fds;
    private int taken;

    Message(Header header, byte[] payload, int[] fds) {
        this.header = header;
        this.payload = payload;
        this.fds = fds;
    }

    Header header() {
        return header;
    }

    /** The request, or null if its id is not one the protocol defines. */
    FrontendRequest request() {
        return FrontendRequest.of(header.request());
    }

    /** The request for log lines: its name, or its id when unknown. */
    String describe() {
        FrontendRequest request = request();
        return request != null ? request.name() : "request " + Integer.toUnsignedString(header.request());
    }

    byte[] payload() {
        return payload;
    }

    int fdCount() {
        return fds.length;
    }

    /** Takes the next fd: the caller now owns it. */
    int takeFd() {
        return fds[taken++];
    }

    /** Closes the fds no handler took. */
    void closeFds() {
        while (taken < fds.length) {
            Linux.close(fds[taken++]);
        }
    }
}
