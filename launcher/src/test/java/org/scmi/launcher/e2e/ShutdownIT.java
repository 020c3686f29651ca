package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops the runnable JAR cleanly: the framework stops, every guest's connection is closed
 * (its QEMU sees the back-end go), every socket stops listening and its file is removed.
 */
class ShutdownIT {
    private static final int BASE_VERSION = 0x2_0001;

    @TempDir
    Path folder;

    @Test
    void sigtermClosesEveryGuestAndRemovesEverySocket() throws Exception {
        Path connected = folder.resolve("connected.sock");
        Path idle = folder.resolve("idle.sock");
        try (ServerProcess server = ServerProcess.startJar(List.of(connected, idle), null);
                ScmiGuest guest = ScmiGuest.connect(connected)) {
            guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertValues(Le.words(BASE_VERSION));
            // A running server: the guest can be answered before the shell, started last, is up.
            assertTrue(server.awaitLine(line -> line.contains("ServiceReadiness -- ready "),
                    ServerProcess.START_TIMEOUT), "the server never said it was ready");

            assertEquals(ServerProcess.JVM_EXIT_ON_SIGTERM, server.terminate(), "exit code");

            List<String> output = server.output();
            String log = String.join("\n", output);
            assertTrue(output.stream().anyMatch(line -> line.contains("stopping: closing every guest")), log);
            for (Path socket : List.of(connected, idle)) {
                assertTrue(output.stream().anyMatch(line -> line.endsWith("stopped listening on " + socket)), log);
                assertFalse(Files.exists(socket), socket + " left behind");
            }
            assertFalse(output.stream().anyMatch(line -> line.contains(" ERROR ") || line.contains("Exception")), log);
            assertTrue(guest.frontend().awaitDisconnect(Duration.ofSeconds(1)), "the guest's connection was closed");
        }
    }
}
