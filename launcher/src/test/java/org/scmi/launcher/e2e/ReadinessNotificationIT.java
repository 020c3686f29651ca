package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.linux.Linux;

/**
 * The readiness notification a systemd service of {@code Type=notify} waits for: the launcher run
 * as systemd runs it (NOTIFY_SOCKET set) sends READY=1 only once every configured socket listens,
 * so a guest connecting right then is served at once, and STOPPING=1 when it is stopped.
 */
class ReadinessNotificationIT {
    private static final int BASE_VERSION = 0x2_0001;
    /** Under systemd the JVM is the service's main process: its status after SIGTERM is the JVM's. */
    private static final int JVM_EXIT_ON_SIGTERM = 143;

    @TempDir
    Path folder;

    @Test
    void readyOnlyOnceTheSocketsListenAndStoppingOnSigterm() throws Exception {
        Path notify = folder.resolve("notify");
        Path guestSocket = folder.resolve("vm0.sock");
        Path adminSocket = folder.resolve("admin.sock");
        int manager = Linux.bindUnixDatagram(notify.toString());
        try (ServerProcess server = ServerProcess.start("scmi-server", List.of("bash",
                ServerProcess.home().resolve("dist/src/bin/scmi-server").toString(), "--socket-path",
                guestSocket.toString(), "--admin-socket", adminSocket.toString()), Map.of("NOTIFY_SOCKET",
                notify.toString(), "SCMI_SERVER_JAVA", ServerProcess.java().toString(), "SCMI_SERVER_JAR",
                ServerProcess.jar().toString(), "SCMI_SERVER_AOT_CACHE", ""))) {
            String ready = receive(manager, ServerProcess.START_TIMEOUT, server);
            assertEquals("READY=1\nSTATUS=ready", ready);
            assertTrue(Files.exists(adminSocket), "admin socket listening when READY=1 came");
            try (ScmiGuest guest = ScmiGuest.connect(guestSocket)) { // no retry: it must listen by now
                guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertValues(Le.words(BASE_VERSION));
            }
            assertTrue(server.output().stream().anyMatch(line -> line.matches(".* ready \\d+ ms after the JVM started")),
                    String.join("\n", server.output()));

            server.handle().destroy(); // SIGTERM, as systemctl stop sends it
            String stop = receive(manager, ServerProcess.STOP_TIMEOUT, server);
            assertTrue(stop.startsWith("STOPPING=1\n"), stop);
            assertEquals(JVM_EXIT_ON_SIGTERM, server.awaitExit(ServerProcess.STOP_TIMEOUT));
        } finally {
            Linux.close(manager);
        }
    }

    /** The next datagram on the service manager's socket; fails with the server's output if none comes. */
    private static String receive(int fd, Duration timeout, ServerProcess server) throws Exception {
        if (Linux.poll(new int[] {fd}, new short[1], (int) timeout.toMillis()) == 0) {
            throw new AssertionError("no notification within " + timeout + "; output:\n"
                    + String.join("\n", server.output()));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(4096);
            long length = Linux.read(fd, buffer);
            return new String(buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }
}
