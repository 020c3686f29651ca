package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;

/**
 * The socket systemd's service manager gives a {@code Type=notify} service in NOTIFY_SOCKET: a
 * Unix datagram socket bound at a path, on which the server's sd_notify messages arrive as they
 * would under systemd.
 */
public final class ServiceManagerSocket implements AutoCloseable {
    /** What the server sends once every configured socket listens. */
    public static final String READY = "READY=1\nSTATUS=ready";
    private static final int LARGEST_MESSAGE = 4096;

    private final Path path;
    private final int fd;

    private ServiceManagerSocket(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    public static ServiceManagerSocket bind(Path path) throws LinuxException {
        return new ServiceManagerSocket(path, Linux.bindUnixDatagram(path.toString()));
    }

    /** The environment that makes the launcher run as systemd runs a notify service. */
    public Map<String, String> environment() {
        return Map.of("NOTIFY_SOCKET", path.toString());
    }

    /** Waits for the server's readiness notification, which must be its first message. */
    public void awaitReady(ServerProcess server) throws LinuxException {
        assertEquals(READY, receive(ServerProcess.START_TIMEOUT, server));
        // The server logs the line as it notifies; its output is read from a file as it grows, so the
        // line may reach this process a moment after the notification.
        assertTrue(server.awaitLine(line -> line.matches(".* ready \\d+ ms after the JVM started"),
                ServerProcess.START_TIMEOUT), String.join("\n", server.output()));
    }

    /**
     * Stops the server as {@code systemctl stop} does (SIGTERM to the main process) and checks that
     * it says it is stopping and exits with the status the unit accepts.
     */
    public void stop(ServerProcess server) throws LinuxException {
        server.handle().destroy();
        String stopping = receive(ServerProcess.STOP_TIMEOUT, server);
        assertTrue(stopping.startsWith("STOPPING=1\n"), stopping);
        assertEquals(ServerProcess.JVM_EXIT_ON_SIGTERM, server.awaitExit(ServerProcess.STOP_TIMEOUT));
    }

    /** The next message; fails with the server's output if none comes within {@code timeout}. */
    public String receive(Duration timeout, ServerProcess server) throws LinuxException {
        if (Linux.poll(new int[] {fd}, new short[1], (int) timeout.toMillis()) == 0) {
            throw new AssertionError("no notification within " + timeout + "; output:\n"
                    + String.join("\n", server.output()));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(LARGEST_MESSAGE);
            long length = Linux.read(fd, buffer);
            return new String(buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        Linux.close(fd);
    }
}
