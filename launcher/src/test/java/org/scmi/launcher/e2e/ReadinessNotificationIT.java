package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness notification a systemd service of {@code Type=notify} waits for: the launcher run
 * as systemd runs it (NOTIFY_SOCKET set) sends READY=1 only once every configured socket listens,
 * so a guest connecting right then is served at once, and STOPPING=1 when it is stopped.
 */
class ReadinessNotificationIT {
    private static final int BASE_VERSION = 0x2_0001;

    @TempDir
    Path folder;

    @Test
    void readyOnlyOnceTheSocketsListenAndStoppingOnSigterm() throws Exception {
        Path guestSocket = folder.resolve("vm0.sock");
        Path adminSocket = folder.resolve("admin.sock");
        try (ServiceManagerSocket manager = ServiceManagerSocket.bind(folder.resolve("notify"))) {
            Map<String, String> environment = new HashMap<>(manager.environment());
            environment.putAll(Map.of("SCMI_SERVER_JAVA", ServerProcess.java().toString(),
                    "SCMI_SERVER_JAR", ServerProcess.jar().toString(), "SCMI_SERVER_AOT_CACHE", ""));
            try (ServerProcess server = ServerProcess.start("scmi-server", List.of("bash",
                    ServerProcess.home().resolve("dist/src/bin/scmi-server").toString(), "--socket-path",
                    guestSocket.toString(), "--admin-socket", adminSocket.toString()), environment)) {
                manager.awaitReady(server);
                assertTrue(Files.exists(adminSocket), "admin socket listening when READY=1 came");
                try (ScmiGuest guest = ScmiGuest.connect(guestSocket)) { // no retry: it must listen by now
                    guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertValues(Le.words(BASE_VERSION));
                }
                manager.stop(server);
            }
        }
    }
}
