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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./scmi-server} start command as a service manager runs it: no terminal, one line
 * {@code listening on PATH} per socket, exit status 0 after SIGTERM with every socket removed.
 *
 * <p>The script runs from a copy of the installation (the script, its JDK finder and the runnable
 * JAR the build exported), so that it finds the JAR up to date and never starts a build of its own
 * while the tests run, whatever else in the source tree is newer.
 */
class StartScriptIT {
    private static final int BASE_VERSION = 0x2_0001;
    /** The script's exit status for a bad command line. */
    private static final int USAGE_ERROR = 2;
    /** The server's exit status when its configuration does not hold. */
    private static final int CONFIGURATION_ERROR = 2;
    private static final Duration QUICK = Duration.ofSeconds(10);

    @TempDir
    Path folder;
    private Path script;

    @BeforeEach
    void install() throws IOException {
        Path home = Files.createDirectories(folder.resolve("scmi"));
        script = Files.copy(ServerProcess.home().resolve("scmi-server"), home.resolve("scmi-server"));
        Files.createDirectories(home.resolve("scripts"));
        Files.copy(ServerProcess.home().resolve("scripts/java25.sh"), home.resolve("scripts/java25.sh"));
        Files.createDirectories(home.resolve("launcher/target"));
        Files.createSymbolicLink(home.resolve("launcher/target/scmi-server.jar"), ServerProcess.jar());
        Files.createSymbolicLink(home.resolve("launcher/target/transport.xen.sim.jar"),
                ServerProcess.jar().resolveSibling("transport.xen.sim.jar"));
    }

    private ServerProcess run(String... arguments) {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        // The JDK running the tests is a JDK 25: the script's finder looks at JAVA_HOME first.
        return ServerProcess.start("scmi-server", command, Map.of("JAVA_HOME", System.getProperty("java.home")));
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
                    "--xen-sim")) {
                assertTrue(text.contains(option), option + " missing from:\n" + text);
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
