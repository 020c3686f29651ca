package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./scmi-server} start command as a service manager runs it: no terminal, one line
 * {@code listening on PATH} per socket, exit status 0 after SIGTERM with every socket removed.
 *
 * <p>The script runs from a copy of the installation (the script, the launcher it runs, its JDK
 * finder and the runnable JAR the build exported), so that it finds the JAR up to date and never
 * starts a build of its own while the tests run, whatever else in the source tree is newer.
 */
class StartScriptIT {
    private static final int BASE_VERSION = 0x2_0001;
    /** The script's exit status for a bad command line. */
    private static final int USAGE_ERROR = 2;
    /** The server's exit status when its configuration does not hold. */
    private static final int CONFIGURATION_ERROR = 2;
    /** The JVM's exit status after an OutOfMemoryError (-XX:+ExitOnOutOfMemoryError). */
    private static final int OUT_OF_MEMORY_EXIT = 3;
    private static final Duration QUICK = Duration.ofSeconds(10);
    private static final String BUILDING = "scmi-server: building the runnable JAR";


    @TempDir
    Path folder;
    private Path script;

    @BeforeEach
    void install() throws IOException {
        script = ServerProcess.scriptHome(folder).resolve("scmi-server");
    }

    private ServerProcess run(String... arguments) {
        return run(Map.of(), arguments);
    }

    private ServerProcess run(Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        // The JDK running the tests is a JDK 25: the script's finder looks at JAVA_HOME first.
        Map<String, String> variables = new HashMap<>(environment);
        variables.put("JAVA_HOME", System.getProperty("java.home"));
        return ServerProcess.start("scmi-server", command, variables);
    }

    @Test
    void servesASocketWithoutTerminalAndExitsZeroOnSigterm() throws Exception {
        Path socket = folder.resolve("vm0.sock");
        try (ServerProcess server = run("--socket-path", socket.toString())) {
            server.awaitListening(socket);
            try (ScmiGuest guest = ScmiGuest.connect(socket)) {
                guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertValues(Le.words(BASE_VERSION));
            }
            assertEquals(0, server.terminate(), "exit status after SIGTERM");
            assertFalse(Files.exists(socket), "socket file left behind");
            assertTrue(server.output().stream().anyMatch(line -> line.endsWith("stopped listening on " + socket)),
                    String.join("\n", server.output()));
        }
    }

    /**
     * The up-to-date check: a changed source builds once; the next start builds nothing, although
     * the build wrote files into other modules' target folders after the JAR (as the real build
     * writes launcher/itest/target/itest.bndrun). The build is a stand-in for mvnw that counts its
     * runs and writes what the real one writes.
     */
    @Test
    void buildsOnceAfterASourceChangedAndNotOnTheNextStart() throws Exception {
        Path home = script.getParent();
        Path jar = home.resolve("launcher/target/scmi-server.jar");
        Files.delete(jar);
        Files.copy(ServerProcess.jar(), jar);
        Path source = Files.createDirectories(home.resolve("scmi.api/src/main/java")).resolve("Example.java");
        Files.writeString(source, "class Example {}\n");
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(now - 120_000));
        Files.setLastModifiedTime(source, FileTime.fromMillis(now - 60_000));
        Path builds = home.resolve("builds.log");
        Path mvnw = Files.writeString(home.resolve("mvnw"), """
                #!/bin/sh
                echo "mvnw $*" >> builds.log
                touch launcher/target/scmi-server.jar
                mkdir -p launcher/itest/target && touch launcher/itest/target/itest.bndrun
                """);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = folder.resolve("vm0.sock");

        for (int start = 1; start <= 2; start++) {
            try (ServerProcess server = run("--socket-path", socket.toString())) {
                server.awaitListening(socket);
                boolean built = server.output().stream().anyMatch(line -> line.startsWith(BUILDING));
                assertEquals(start == 1, built, "start " + start + " built: " + String.join("\n", server.output()));
                assertEquals(0, server.terminate(), "exit status after SIGTERM");
            }
        }
        assertEquals(1, Files.readAllLines(builds).size(), "builds: " + Files.readAllLines(builds));
    }

    @Test
    void servesNumberedGuestSocketsInAFolder() throws Exception {
        Path sockets = folder.resolve("sockets");
        try (ServerProcess server = run("--guests", "2", "--socket-dir", sockets.toString())) {
            server.awaitListening(sockets.resolve("guest0.sock"));
            server.awaitListening(sockets.resolve("guest1.sock"));
            assertEquals(0, server.terminate(), "exit status after SIGTERM");
        }
    }

    /**
     * {@code --xen-sim}: the simulated hypervisor, which the runnable JAR does not carry, is
     * installed from beside it, and its guest is served by the JAR's Xen transport.
     */
    @Test
    void xenSimInstallsTheSimulatedHypervisorWhoseGuestIsServed() throws Exception {
        Path socket = folder.resolve("vm0.sock");
        try (ServerProcess server = run("--socket-path", socket.toString(), "--xen-sim", "1")) {
            assertTrue(server.awaitLine(line -> line.contains("simulated guest 1: SCMI Base 0x20001, vendor 'SCMI-OSGi'"),
                    ServerProcess.START_TIMEOUT), String.join("\n", server.output()));
            assertEquals(0, server.terminate(), "exit status after SIGTERM");
        }
    }

    /**
     * Out of memory anywhere in the process ends it, with status 3, for the service manager to
     * start it again: never a server whose framework died while its sockets still accept guests.
     * The fault is injected as a metaspace too small for the bundles to load.
     */
    @Test
    void runningOutOfMemoryEndsTheProcessForItsSupervisor() throws Exception {
        Path socket = folder.resolve("vm0.sock");
        try (ServerProcess server = run(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxMetaspaceSize=10m"), "--socket-path",
                socket.toString())) {
            assertEquals(OUT_OF_MEMORY_EXIT, server.awaitExit(Duration.ofMinutes(2)),
                    String.join("\n", server.output()));
            assertTrue(server.output().stream().anyMatch(line -> line.contains("Terminating due to "
                    + "java.lang.OutOfMemoryError")), String.join("\n", server.output()));
        }
    }

    @Test
    void aConfigurationFileThatIsNotValidJsonStopsTheServer() throws Exception {
        assertStopsOnConfiguration("{ \"org.scmi.agent~ivi\": { clocks: [\"cpu_clk\"] } }", "is not valid JSON");
    }

    @Test
    void aConfigurationNamedTwiceStopsTheServer() throws Exception {
        assertStopsOnConfiguration("""
                { "org.scmi.agent~ivi": { "clocks": ["cpu_clk"] },
                  "org.scmi.agent~ivi": { "clocks": ["gpu_clk"] } }""", "'org.scmi.agent~ivi' appears twice");
    }

    @Test
    void profilesThatDoNotHoldAgainstTheBoardStopTheServerNamingEachProblem() throws Exception {
        assertStopsOnConfiguration("""
                { "org.scmi.agent~ivi": { "clocks": ["cpu_clk", "gpu_clkk"], "powerDomains": ["gpu_pd"],
                                          "exclusive": ["gpu_pd"] },
                  "org.scmi.agent~cluster": { "powerDomains": ["sim/gpu"] } }""",
                "org.scmi.agent~ivi: clocks: the board has no clock 'gpu_clkk'",
                "org.scmi.agent~cluster: power domain 'sim/gpu' is exclusive to org.scmi.agent~ivi");
    }

    /** Starts the script on a configuration file that does not hold: it exits 2, saying why, and serves nobody. */
    private void assertStopsOnConfiguration(String json, String... reasons) throws Exception {
        Path config = Files.writeString(folder.resolve("bad.json"), json);
        Path socket = folder.resolve("vm0.sock");
        try (ServerProcess server = run("--config", config.toString(), "--socket-path", socket.toString())) {
            assertEquals(CONFIGURATION_ERROR, server.awaitExit(ServerProcess.START_TIMEOUT.plus(QUICK)),
                    String.join("\n", server.output()));
            String output = String.join("\n", server.output());
            for (String reason : reasons) {
                assertTrue(output.contains(reason), reason + " missing from:\n" + output);
            }
            assertTrue(output.contains("the server stops rather than serve guests without it"), output);
            assertFalse(Files.exists(socket), "no socket left behind");
        }
    }

    @Test
    void helpListsTheOptions() throws Exception {
        try (ServerProcess help = run("--help")) {
            assertEquals(0, help.awaitExit(QUICK));
            assertTrue(help.output().getFirst().startsWith("usage: ./scmi-server"), help.output().getFirst());
            String text = String.join("\n", help.output());
            for (String option : List.of("--socket-path", "--guests", "--socket-dir", "--config", "--log-level",
                    "--xen-sim", "--xen-sim-rate")) {
                assertTrue(text.contains(option), option + " missing from:\n" + text);
            }
        }
    }

    @Test
    void aXenSimRateNeedsSimulatedGuestsAndANumber() throws Exception {
        for (List<String> arguments : List.of(List.of("--xen-sim-rate", "20"),
                List.of("--xen-sim", "1", "--xen-sim-rate", "fast"))) {
            try (ServerProcess bad = run(arguments.toArray(String[]::new))) {
                assertEquals(USAGE_ERROR, bad.awaitExit(QUICK), arguments.toString());
                assertTrue(bad.output().stream().anyMatch(line -> line.contains("--xen-sim-rate needs --xen-sim")),
                        String.join("\n", bad.output()));
            }
        }
    }

    @Test
    void anUnknownOptionIsAUsageError() throws Exception {
        try (ServerProcess bad = run("--no-such-option")) {
            assertEquals(USAGE_ERROR, bad.awaitExit(QUICK));
            assertTrue(bad.output().stream().anyMatch(line -> line.contains("unknown option '--no-such-option'")),
                    String.join("\n", bad.output()));
        }
    }
}
