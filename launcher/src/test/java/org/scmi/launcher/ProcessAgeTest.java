package org.scmi.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessAgeTest {

    /**
     * The process is a little older than its JVM (the java launcher runs first), never younger, and
     * not by the up to one second that a start instant built on the whole-second boot time is off.
     */
    @Test
    void isTheJvmsUptimePlusTheLaunchersShortStart() {
        long before = ManagementFactory.getRuntimeMXBean().getUptime();
        Duration age = ProcessAge.ofThisProcess().orElseThrow();
        long after = ManagementFactory.getRuntimeMXBean().getUptime();
        // Both /proc clocks count in hundredths of a second.
        assertTrue(age.toMillis() >= before - 20, "process age " + age.toMillis() + " ms, JVM uptime " + before + " ms");
        assertTrue(age.toMillis() <= after + 500, "process age " + age.toMillis() + " ms, JVM uptime " + after + " ms");
    }
}
