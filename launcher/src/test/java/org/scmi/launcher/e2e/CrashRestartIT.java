package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_SET;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_ON;
import static org.scmi.launcher.e2e.Scmi.POWER;
import static org.scmi.launcher.e2e.Scmi.POWER_OFF;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_GET;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_SET;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SENSOR;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READING_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_ID_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_ON_UPWARD;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_POINT_CONFIG;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_POINT_EVENT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_POINT_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_UPWARD;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;

/**
 * The server killed (SIGKILL) in the middle of a guest's command stream and started again: the
 * guest's front-end keeps the inflight region, reconnects and restarts the device as QEMU's
 * vhost-user-blk does, and every command is answered exactly once, in order: those answered before
 * the crash are not answered again, the one the dead server had taken and not answered is answered
 * by the new server, and those it never took follow. With a state file, what the guest set up (a
 * power vote, a clock rate, a sensor trip point and its subscription, its agent id) is as it was.
 *
 * <p>To kill the server with a command certainly in flight, the board driver is stopped first, so
 * the first command that needs the hardware waits for it (the drivers' grace period is long); the
 * test waits until the server's inflight record shows that command taken.
 */
class CrashRestartIT {
    private static final String BOARD = """
            {
              "powerDomains": [ { "name": "gpu_pd", "state": "on" } ],
              "clocks": [ { "name": "cpu_clk", "rates": [400000000, 800000000, 1200000000], "rate": 800000000,
                            "enabled": true } ],
              "sensors": [ { "name": "cpu_temp", "unit": "DEGREES_C", "scale": -3, "base": 45.5,
                             "tripPoints": 2 } ]
            }
            """;
    private static final int GPU = 0;
    private static final int CPU = 0;
    private static final long CPU_RATE_SET = 1_200_000_000L;
    private static final int TEMP = 0;
    private static final long TEMP_VALUE = 45_500;
    private static final long TRIP_AT = 50_000;
    /** The guest's agent: a second guest connects first, so ids only match if they are kept. */
    private static final int AGENT = 2;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    private static final int ONE_WORD = RESPONSE_PREFIX + 4;
    private static final int RATE = RESPONSE_PREFIX + 8;
    private static final int READING = RESPONSE_PREFIX + 16;
    private static final int BASE_VERSION = 0x2_0001;
    /** Long enough that the command waiting for the stopped driver is still waiting at the kill. */
    private static final int DRIVER_GRACE_MILLIS = 600_000;
    private static final long WAIT_NANOS = 30_000_000_000L;

    @TempDir
    Path folder;

    private record Submitted(int header, int capacity, Le expected) {
    }

    @Test
    void everyCommandIsAnsweredExactlyOnceAndTheGuestsStateIsKept() throws Exception {
        Path board = Files.writeString(folder.resolve("board.json"), BOARD);
        Path state = folder.resolve("state").resolve("agents");
        Path config = Files.writeString(folder.resolve("scmi-server.json"), """
                { "org.scmi.board.sim": { "file": "%s" },
                  "org.scmi.core.state": { "file": "%s" },
                  "org.scmi.clock": { "driverGraceMillis": %d },
                  "org.scmi.power": { "driverGraceMillis": %d },
                  "org.scmi.sensor": { "driverGraceMillis": %d } }
                """.formatted(board, state, DRIVER_GRACE_MILLIS, DRIVER_GRACE_MILLIS, DRIVER_GRACE_MILLIS));
        Path other = folder.resolve("other.sock");
        Path socket = folder.resolve("guest.sock");
        Path admin = folder.resolve("admin.sock");
        List<Path> sockets = List.of(other, socket);
        // A server starting on a machine busy with other work may take long; waits are not assertions.
        VhostUserFrontend.Options options = VhostUserFrontend.Options.defaults().withInflightTracking()
                .withTimeout(Duration.ofSeconds(60));

        ServerProcess first = ServerProcess.startJar(sockets, config, admin);
        ScmiGuest guest = null;
        try {
            ScmiGuest.connect(other).close(); // agent 1
            guest = ScmiGuest.connect(socket, options);
            assertTrue(guest.frontend().inflightFd() >= 0, "the front-end got an inflight region");
            // What the guest sets up.
            guest.call(POWER, POWER_STATE_SET, STATUS_ONLY, 0, GPU, POWER_OFF).assertValues(new byte[0]);
            guest.call(CLOCK, CLOCK_RATE_SET, STATUS_ONLY, 0, CPU, (int) CPU_RATE_SET, (int) (CPU_RATE_SET >>> 32))
                    .assertValues(new byte[0]);
            guest.call(SENSOR, SENSOR_TRIP_POINT_CONFIG, STATUS_ONLY, TEMP, SENSOR_TRIP_ON_UPWARD, (int) TRIP_AT,
                    (int) (TRIP_AT >>> 32)).assertValues(new byte[0]);
            guest.call(SENSOR, SENSOR_TRIP_POINT_NOTIFY, STATUS_ONLY, TEMP, NOTIFY_ON).assertValues(new byte[0]);

            // The board driver leaves: commands for the hardware wait for it.
            String stopped = AdminShell.command(admin, "stop " + bundleId(AdminShell.command(admin, "lb -s board.sim")));
            assertEquals("", stopped.strip());

            // The server interrupts the guest when it has drained the ring, so answers published before
            // the waiting command are seen in the used ring, not through an interrupt.
            guest.frontend().setWaitMode(VhostUserFrontend.WaitMode.BUSY_POLL);
            List<Submitted> stream = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                stream.add(submit(guest, BASE, PROTOCOL_VERSION, ONE_WORD, Le.words(BASE_VERSION)));
            }
            stream.add(submit(guest, CLOCK, CLOCK_RATE_GET, RATE, Le.words().u64(CPU_RATE_SET), CPU));
            stream.add(submit(guest, POWER, POWER_STATE_GET, ONE_WORD, Le.words(POWER_OFF), GPU));
            stream.add(submit(guest, SENSOR, SENSOR_READING_GET, READING, Le.words().u64(TEMP_VALUE).u64(0), TEMP, 0));
            for (int i = 0; i < 5; i++) {
                stream.add(submit(guest, CLOCK, CLOCK_RATE_GET, RATE, Le.words().u64(CPU_RATE_SET), CPU));
                stream.add(submit(guest, BASE, PROTOCOL_VERSION, ONE_WORD, Le.words(BASE_VERSION)));
            }
            List<Response> answers = new ArrayList<>();
            answers.add(guest.awaitAnswer());
            answers.add(guest.awaitAnswer());
            // The third command (the first for the hardware) is taken and waits for the driver.
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (guest.frontend().inflightHeads(VhostUserFrontend.COMMAND_QUEUE).size() != 1) {
                assertTrue(System.nanoTime() < deadline, "no command recorded in flight");
                Thread.sleep(10);
            }
            first.kill();

            try (ServerProcess second = ServerProcess.startJar(sockets, config, admin)) {
                guest.reconnect();
                while (guest.unansweredCount() > 0) {
                    answers.add(guest.awaitAnswer());
                }
                assertEquals(stream.size(), answers.size());
                for (int i = 0; i < stream.size(); i++) {
                    Submitted command = stream.get(i);
                    Response answer = answers.get(i);
                    assertEquals(command.header(), answer.commandHeader(), "answer " + i + " in submission order");
                    answer.assertValues(command.expected());
                }
                guest.frontend().setWaitMode(VhostUserFrontend.WaitMode.INTERRUPT);
                // Nothing is answered twice: the next chain the server returns is a new command's.
                guest.call(BASE, PROTOCOL_VERSION, ONE_WORD).assertValues(Le.words(BASE_VERSION));

                // The guest's state: its vote, the rate it set, its trip point and subscription, its id.
                guest.call(POWER, POWER_STATE_GET, ONE_WORD, GPU).assertValues(Le.words(POWER_OFF));
                guest.call(CLOCK, CLOCK_RATE_GET, RATE, CPU).assertValues(Le.words().u64(CPU_RATE_SET));
                AdminShell.command(admin, "sensorSet cpu_temp 55.0");
                guest.awaitEvent(Le.words(Scmi.notificationHeader(SENSOR, SENSOR_TRIP_POINT_EVENT), AGENT, TEMP,
                        SENSOR_TRIP_UPWARD | 0 << SENSOR_TRIP_ID_SHIFT));
                assertTrue(second.output().stream().anyMatch(line -> line.contains("resumed from the inflight region")),
                        "the new server resumed the rings from the inflight region");
                guest.close();
                guest = null;
                assertEquals(ServerProcess.JVM_EXIT_ON_SIGTERM, second.terminate());
                assertTrue(second.output().stream().noneMatch(line -> line.contains(" ERROR ")),
                        () -> String.join("\n", second.output()));
            }
        } finally {
            if (guest != null) {
                guest.close();
            }
            first.close();
        }
    }

    private static Submitted submit(ScmiGuest guest, int protocol, int message, int capacity, Le expected,
            int... parameters) throws Exception {
        return new Submitted(guest.submit(protocol, message, capacity, parameters), capacity, expected);
    }

    /** The id of the one bundle {@code lb NAME} lists. */
    private static long bundleId(String listing) {
        Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|.*board\\.sim").matcher(listing);
        assertTrue(id.find(), listing);
        return Long.parseLong(id.group(1));
    }
}
