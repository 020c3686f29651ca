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
    private static final Duration QUICK = Duration.ofSeconds(10);

    @TempDir
    Path folder;
    private Path script;

    @BeforeEach
    void install() throws IOException {
        script = ServerProcess.scriptHome(folder).resolve("scmi-server");
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
