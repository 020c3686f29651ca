package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.SENSOR;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiStatus;
import org.scmi.launcher.e2e.AdminShell;
import org.scmi.launcher.e2e.ScmiGuest;
import org.scmi.launcher.e2e.ServerProcess;

/**
 * The admin socket of the runnable JAR, as an operator uses it: one command per connection, as
 * {@code echo COMMAND | socat - UNIX-CONNECT:PATH} sends it, while a guest talks to the server over
 * vhost-user.
 */
class AdminSocketIT {
    /** A message id Base does not have. */
    private static final int NO_SUCH_MESSAGE = 0x7F;
    private static final Duration TRACE_WAIT = Duration.ofSeconds(10);

    @TempDir
    Path folder;

    private Path guestSocket;
    private Path adminSocket;
    private ServerProcess server;

    @BeforeEach
    void startServer() {
        guestSocket = folder.resolve("guest0.sock");
        adminSocket = folder.resolve("admin.sock");
        server = ServerProcess.startJar(List.of(guestSocket), null, adminSocket);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void theAdminSocketServesTheScmiCommandsWhileAGuestIsServed() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(adminSocket)));

        try (ScmiGuest guest = ScmiGuest.connect(guestSocket)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(ScmiStatus.SUCCESS.code(), guest.call(BASE, PROTOCOL_VERSION, LINUX_RESPONSE_BUFFER)
                        .status());
            }
            guest.call(BASE, NO_SUCH_MESSAGE, LINUX_RESPONSE_BUFFER).assertStatus(ScmiStatus.NOT_FOUND);
            assertEquals(ScmiStatus.SUCCESS.code(), guest.call(SENSOR, PROTOCOL_VERSION, LINUX_RESPONSE_BUFFER)
                    .status());

            List<String> guestRow = row(admin("scmi:guests"), "1");
            assertEquals(List.of("1", "guest0", "-", "vhost-user:" + guestSocket, "yes"), guestRow.subList(0, 5),
                    "no profile: the guest sees the whole board");
            assertEquals("5", guestRow.get(6), "requests of guest 1");

            List<String> base = row(admin("stats"), "0x10");
            assertEquals(List.of("0x10", "base", "4", "1"), base.subList(0, 4));
            assertEquals("NOT_FOUND=1", base.get(8));
            assertEquals(List.of("0x15", "sensor", "1", "0"), row(admin("stats"), "0x15").subList(0, 4));

            List<String> protocols = row(admin("protocols"), "0x10");
            assertTrue(protocols.get(3).endsWith(" scmi.base"), "bundle of Base: " + protocols);
            assertEquals("4", protocols.get(5));

            assertEquals("guest 1 traced\n", admin("trace guest 1 on"));
            int header = guest.commandHeader(CLOCK, PROTOCOL_VERSION);
            guest.send(header, new byte[0], LINUX_RESPONSE_BUFFER);
            String traced = String.format("agent 1 guest0: protocol 0x14 (clock) message 0x00 token %d header 0x%08x:"
                    + " SUCCESS, 0 bytes in, 4 bytes out, ", header >>> 18, header);
            assertTrue(server.awaitLine(line -> line.contains(traced), TRACE_WAIT), "trace line '" + traced
                    + "' in:\n" + String.join("\n", server.output()));
            assertEquals("tracing stopped\n", admin("trace off"));

            assertEquals("guest 1 disconnected\n", admin("disconnect 1"));
            assertTrue(awaitOutput("guests", guests -> row(guests, "1").get(4).equals("no")), admin("guests"));
        }
    }

    @Test
    void guestSocketsAreAddedAndRemovedLive() throws Exception {
        Path extra = folder.resolve("extra.sock");
        assertEquals("guest extra added as org.scmi.transport.vhostuser.guest~extra: listening on " + extra + "\n",
                admin("guestAdd " + extra));
        try (ScmiGuest guest = ScmiGuest.connect(extra)) {
            assertEquals(ScmiStatus.SUCCESS.code(), guest.call(BASE, PROTOCOL_VERSION, LINUX_RESPONSE_BUFFER)
                    .status());
        }
        assertEquals(extra + " is served already by configuration org.scmi.transport.vhostuser.guest~extra\n",
                admin("guestAdd " + extra));
        assertEquals("guest org.scmi.transport.vhostuser.guest~extra removed: " + extra + " closed\n",
                admin("guestRemove extra"));
        assertFalse(Files.exists(extra, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void logLevelsAndConfigurationChangeLiveAndBadValuesAreNamed() throws Exception {
        assertEquals("'LOUD' is not a log level; use one of TRACE, DEBUG, INFO, WARN, ERROR, OFF or inherit\n",
                admin("logLevel org.scmi.transport LOUD"));
        assertEquals("org.scmi.transport logs at DEBUG (org.scmi.logging updated)\n",
                admin("logLevel org.scmi.transport DEBUG"));
        assertTrue(awaitOutput("logLevel org.scmi.transport",
                        levels -> row(levels, "org.scmi.transport").equals(List.of("org.scmi.transport", "DEBUG", "DEBUG"))),
                admin("logLevel org.scmi.transport"));

        assertEquals("org.scmi.transport.vhostuser.guest~guest0 has no property 'socket'; its properties are "
                + "socketPath, agentName\n", admin("configSet org.scmi.transport.vhostuser.guest~guest0 socket x"));
        String logging = admin("config org.scmi.logging");
        assertTrue(logging.contains("levels  String[]  org.scmi.transport=DEBUG"), logging);
        assertTrue(admin("lb").contains("SCMI server launcher"), "Felix's own commands work");
    }

    @Test
    void theSocketIsRemovedWhenTheServerStops() {
        int exit = server.terminate();
        assertTrue(List.of(0, 117, 143).contains(exit), "exit code " + exit);
        assertFalse(Files.exists(adminSocket, LinkOption.NOFOLLOW_LINKS));
    }

    private String admin(String command) throws IOException {
        return AdminShell.command(adminSocket, command);
    }

    /** The cells of the table row whose first cell is {@code key}. */
    private static List<String> row(String table, String key) {
        Optional<List<String>> row = table.lines().map(line -> List.of(line.split(" {2,}")))
                .filter(cells -> cells.get(0).equals(key)).findFirst();
        return row.orElseThrow(() -> new AssertionError("no row " + key + " in:\n" + table));
    }

    /** Polls a command until its output passes {@code done}. */
    private boolean awaitOutput(String command, Predicate<String> done) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TRACE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.test(admin(command))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
