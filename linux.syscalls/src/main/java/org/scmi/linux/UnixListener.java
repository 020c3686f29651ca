package org.scmi.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening Unix stream socket at a path, for a server that accepts connections in a loop (or
 * each time {@link #fd()} is readable) until another thread {@linkplain #shutdown() shuts it down}.
 * Failures that may pass (e.g. out of fds) are logged and retried after a pause, so a transient one
 * does not stop the server. Removing the socket file is the owner's: only it knows whether the file
 * is still its own.
 */
public final class UnixListener implements AutoCloseable {
    /** File type bits of st_mode, and the type of a socket. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final long ACCEPT_RETRY_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(UnixListener.class);

    private final Path path;
    private final String owner;
    private final int fd;
    private volatile boolean shutDown;

    private UnixListener(Path path, String owner, int fd) {
        this.path = path;
        this.owner = owner;
        this.fd = fd;
    }

    /**
     * Listens on {@code path}, the socket file made mode {@code mode} before anyone can connect.
     * Missing parent directories are created, a stale socket file there is replaced, anything
     * else there is refused.
     *
     * @param owner what serves the socket, for the log (e.g. "admin shell")
     * @throws IOException if the path holds something other than a socket
     * @throws LinuxException if the socket cannot be made
     * @throws IllegalArgumentException if the path does not fit a socket address
     */
    public static UnixListener open(Path path, int backlog, int mode, String owner) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                && ((int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT) != S_IFSOCK) {
            throw new IOException(path + " exists and is not a socket; not replacing it");
        }
        return new UnixListener(path, owner, Linux.listenUnix(path.toString(), backlog, mode));
    }

    /**
     * Waits for the next connection.
     *
     * @return its fd, or -1 once the listener is shut down, fails for good, or the thread is
     *     interrupted while pausing before a retry
     */
    public int accept() {
        while (true) {
            try {
                return Linux.accept(fd);
            } catch (LinuxException e) {
                if (shutDown) {
                    return -1;
                }
                LOG.error("{}: accept on {} failed: {}", owner, path, e.getMessage());
                if (e.errno() == Errno.EBADF || e.errno() == Errno.EINVAL || !pause()) {
                    return -1;
                }
            }
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(ACCEPT_RETRY_MILLIS);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** The listening socket, to wait for connections with poll or epoll; readable when one is pending. */
    public int fd() {
        return fd;
    }

    /** Wakes a thread in {@link #accept()} (with EINVAL) and makes it and every later call return -1. */
    public void shutdown() {
        shutDown = true;
        Linux.shutdown(fd);
    }

    /** Closes the socket; call it once no thread can be in {@link #accept()} any more. */
    @Override
    public void close() {
        Linux.close(fd);
    }
}
