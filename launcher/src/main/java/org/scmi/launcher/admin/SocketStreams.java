package org.scmi.launcher.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;

/** Java streams over a connected Unix stream socket's file descriptor. Neither closes the descriptor. */
final class SocketStreams {
    private SocketStreams() {
    }

    /** Reads what the peer sends; end of stream when it closes or the socket is shut down. */
    static final class In extends InputStream {
        private final int fd;

        In(int fd) {
            this.fd = fd;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            try {
                Linux.Received received = Linux.receiveWithFds(fd, buffer, offset, length);
                // Nobody may hand the shell descriptors: close any that came along.
                Arrays.stream(received.fds()).forEach(Linux::close);
                return received.length() == 0 ? -1 : received.length();
            } catch (LinuxException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /** Writes everything it is given (no SIGPIPE when the peer is gone: an IOException instead). */
    static final class Out extends OutputStream {
        private static final int[] NO_FDS = {};
        private final int fd;

        Out(int fd) {
            this.fd = fd;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int length) throws IOException {
            if (length == 0) {
                return;
            }
            try {
                Linux.sendWithFds(fd, Arrays.copyOfRange(data, offset, offset + length), NO_FDS);
            } catch (LinuxException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }
}
