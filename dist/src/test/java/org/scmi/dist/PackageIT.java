package org.scmi.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SENSOR;
import static org.scmi.launcher.e2e.Scmi.SERVED_PROTOCOLS;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READING_GET;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiStatus;
import org.scmi.launcher.e2e.Le;
import org.scmi.launcher.e2e.ScmiGuest;
import org.scmi.launcher.e2e.ServerProcess;
import org.scmi.launcher.e2e.ServiceManagerSocket;

/**
 * The Debian package of the build machine's architecture, unpacked into a temporary root with
 * {@code dpkg-deb -x} as a deployer may do: its launcher, started through the {@code /usr/bin}
 * link, finds the runtime and JAR beside its real location and serves a vhost-user guest, with the
 * ahead-of-time cache the build's training run made; run as the service unit runs it, it tells the
 * service manager when it is ready.
 */
class PackageIT {
    private static final int BASE_VERSION = 0x2_0001;
    private static final Duration QUICK = Duration.ofSeconds(10);

    @TempDir
    Path folder;
    private Path root;

    @BeforeEach
    void unpack() throws Exception {
        root = folder.resolve("root");
        Path deb = hostPackage();
        Process unpack = new ProcessBuilder("dpkg-deb", "-x", deb.toString(), root.toString()).inheritIO().start();
        assertEquals(0, unpack.waitFor(), "dpkg-deb -x " + deb);
    }

    /** The package of this machine's architecture that the build wrote into dist/target. */
    private static Path hostPackage() throws IOException, InterruptedException {
        Process dpkg = new ProcessBuilder("dpkg", "--print-architecture").start();
        String arch = new String(dpkg.getInputStream().readAllBytes()).trim();
        assertEquals(0, dpkg.waitFor(), "dpkg --print-architecture");
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("dist.target", "target")))) {
            return files.filter(file -> file.getFileName().toString().endsWith("_" + arch + ".deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + arch + " package in dist/target"));
        }
    }

    /** Started by hand, without a terminal: every protocol bundle serves, and SIGTERM is a clean stop. */
    @Test
    void theUnpackedLauncherServesAGuestWithItsOwnRuntime() throws Exception {
        Path launcher = root.resolve("usr/bin/scmi-server");
        assertTrue(Files.isSymbolicLink(launcher), launcher + " is the link to the launcher");
        assertTrue(Files.isRegularFile(root.resolve("usr/lib/scmi-server/scmi-server.aot")), "ahead-of-time cache");
        Path socket = folder.resolve("vm0.sock");
        try (ServerProcess server = ServerProcess.start("packaged scmi-server", List.of(launcher.toString(),
                "--socket-path", socket.toString(), "--log-level", "INFO"), Map.of())) {
            server.awaitListening(socket);
            try (ScmiGuest guest = ScmiGuest.connect(socket)) {
                guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertValues(Le.words(BASE_VERSION));
                for (int protocol : SERVED_PROTOCOLS) {
                    assertEquals(ScmiStatus.SUCCESS.code(), guest.call(protocol, PROTOCOL_VERSION, RESPONSE_PREFIX + 4)
                            .status(), "PROTOCOL_VERSION of protocol 0x" + Integer.toHexString(protocol));
                }
                assertEquals(ScmiStatus.SUCCESS.code(), guest.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + 16, 0, 0)
                        .status(), "sensor reading status");
            }
            assertEquals(0, server.terminate(), "exit status after SIGTERM");
        }
    }

    /**
     * Started as the service unit starts it ({@code NOTIFY_SOCKET} set): READY=1 once the guest's
     * socket listens, the simulated Xen guest of {@code --xen-sim} served through the bundle the
     * package ships beside the JAR, and STOPPING=1 on SIGTERM.
     */
    @Test
    void asAServiceItNotifiesReadinessAndServesASimulatedXenGuest() throws Exception {
        Path socket = folder.resolve("vm0.sock");
        try (ServiceManagerSocket manager = ServiceManagerSocket.bind(folder.resolve("notify"));
                ServerProcess server = ServerProcess.start("packaged scmi-server service", List.of(
                        root.resolve("usr/bin/scmi-server").toString(), "--socket-path", socket.toString(),
                        "--xen-sim", "1"), manager.environment())) {
            manager.awaitReady(server);
            try (ScmiGuest guest = ScmiGuest.connect(socket)) { // no retry: it listens once READY=1 came
                guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertValues(Le.words(BASE_VERSION));
            }
            assertTrue(server.awaitLine(line -> line.contains("simulated guest 1: SCMI Base 0x20001, vendor 'SCMI-OSGi'"),
                    ServerProcess.START_TIMEOUT), String.join("\n", server.output()));
            manager.stop(server);
        }
    }

    @Test
    void theLauncherPrintsItsHelp() throws Exception {
        try (ServerProcess help = ServerProcess.start("packaged scmi-server --help",
                List.of(root.resolve("usr/bin/scmi-server").toString(), "--help"), Map.of())) {
            assertEquals(0, help.awaitExit(QUICK));
            assertTrue(help.output().getFirst().startsWith("usage: scmi-server"), help.output().getFirst());
        }
    }
}
