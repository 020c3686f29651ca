package org.scmi.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.launcher.e2e.ServerProcess;

/**
 * The soak's two-minute version against {@code ./scmi-server} and the built JAR: 8 vhost-user and
 * 8 simulated Xen guests under the steady mix, a protocol bundle updated live, a guest
 * reconnecting, trip point events raised from the shell. Passes when every target that means
 * something after two minutes is met: no failed command, every event delivered to every guest that
 * stayed connected, no more threads or open fds than after the warm-up, a clean exit. The memory
 * slope is reported only (too short a window after the warm-up for it to mean anything).
 */
class SoakIT {
    @TempDir
    Path folder;

    @Test
    void twoMinutesOfSteadyLoadWithLiveUpdatesAndAReconnectingGuest() throws Exception {
        Soak.Settings settings = new Soak.Settings(Duration.ofMinutes(2), 8, 8, Soak.DEFAULT_RATE,
                Soak.DEFAULT_UPDATE_EVERY_SECONDS);
        assertTrue(Soak.run(ServerProcess.scriptHome(folder), folder, settings, false),
                "a target was missed (the report above says which)");
    }
}
