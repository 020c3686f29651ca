package org.scmi.launcher.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.felix.service.command.CommandProcessor;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.linux.UnixListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gogo shell on a Unix socket: one session per connection, at most {@value #MAX_SESSIONS} at a
 * time. The socket file is made mode 0600 between bind and listen, so no one else can ever connect.
 *
 * <p>Threads: one platform thread accepts; each connection has its own platform thread
 * ({@link ShellConnection}). {@link #close()} stops accepting, hangs every connection up, waits
 * for the threads and removes the socket file.
 */
final class AdminShellServer implements AutoCloseable {
    static final int MAX_SESSIONS = 8;
    private static final int SOCKET_MODE = 0600;
    private static final int BACKLOG = 4;
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(AdminShellServer.class);

    private final Path path;
    private final CommandProcessor processor;
    private final UnixListener listener;
    private final Object socketFile;
    private final Thread acceptor;

    /** Guarded by this. */
    private final Map<ShellConnection, Thread> connections = new HashMap<>();
    /** Guarded by this. */
    private boolean closing;
    /** Guarded by this. */
    private long accepted;

    private AdminShellServer(Path path, CommandProcessor processor, UnixListener listener) {
        this.path = path;
        this.processor = processor;
        this.listener = listener;
        this.socketFile = SocketFiles.identity(path);
        this.acceptor = Thread.ofPlatform().name("admin shell " + path).daemon().unstarted(this::acceptLoop);
    }

    /**
     * Listens on {@code path}; missing parent directories are created, a stale socket file there is
     * replaced, anything else there is refused.
     */
    static AdminShellServer open(Path path, CommandProcessor processor) throws IOException {
        UnixListener listener;
        try {
            listener = UnixListener.open(path, BACKLOG, SOCKET_MODE, "admin shell");
        } catch (LinuxException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        AdminShellServer server = new AdminShellServer(path, processor, listener);
        server.acceptor.start();
        return server;
    }

    private void acceptLoop() {
        for (int fd; (fd = listener.accept()) >= 0;) {
            admit(fd);
        }
    }

    private synchronized void admit(int fd) {
        if (closing || connections.size() >= MAX_SESSIONS) {
            refuse(fd, closing ? "the admin shell is closing" : "already " + MAX_SESSIONS
                    + " admin sessions; close one and retry");
            return;
        }
        ShellConnection connection = new ShellConnection(fd, "admin session " + ++accepted, processor);
        Thread thread = Thread.ofPlatform().name(connection.name()).daemon().unstarted(() -> {
            try {
                connection.run();
            } finally {
                ended(connection);
            }
        });
        connections.put(connection, thread);
        thread.start();
    }

    private synchronized void ended(ShellConnection connection) {
        connections.remove(connection);
    }

    private static void refuse(int fd, String reason) {
        try {
            Linux.sendWithFds(fd, (reason + "\n").getBytes(StandardCharsets.UTF_8), new int[0]);
        } catch (LinuxException e) {
            // The peer is gone already: nothing to tell it.
        } finally {
            Linux.close(fd);
        }
    }

    @Override
    public void close() {
        Map<ShellConnection, Thread> open;
        synchronized (this) {
            closing = true;
            open = new HashMap<>(connections);
        }
        listener.shutdown();
        open.keySet().forEach(ShellConnection::hangUp);
        join(acceptor);
        open.values().forEach(AdminShellServer::join);
        if (!acceptor.isAlive()) {
            listener.close();
        }
        // Remove the socket file only if it is still ours (someone may have replaced it meanwhile).
        if (Objects.equals(SocketFiles.identity(path), socketFile)) {
            Linux.unlink(path.toString());
        }
        LOG.info("admin shell: stopped listening on {}", path);
    }

    private static void join(Thread thread) {
        try {
            thread.join(STOP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("admin shell: {} did not stop within {} ms", thread.getName(), STOP_TIMEOUT_MILLIS);
        }
    }
}
