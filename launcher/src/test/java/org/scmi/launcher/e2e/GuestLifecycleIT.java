package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.scmi.launcher.e2e.Scmi.AGENT_CALLER;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_AGENTS_SHIFT;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_AGENT;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SENSOR;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONFIG_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONFIG_SET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_ENABLED;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READING_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READ_ASYNC;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiStatus;

/**
 * Guests coming and going on the running server with the built-in simulated board: two guests
 * served at once as separate agents whose settings stay their own, disconnects (also with commands
 * in flight) and reconnects on the same socket, and a device stopped and restarted by its QEMU.
 */
class GuestLifecycleIT {
    /** Agent ids follow the order in which guests first connected; the set-up connects a, then b. */
    private static final String GUEST_A = "guest-a";
    private static final int AGENT_A = 1;
    private static final String GUEST_B = "guest-b";
    private static final int AGENT_B = 2;
    private static final int BASE_VERSION = 0x2_0001;
    /**
     * Power, system power, performance, clock, sensor, reset, voltage, powercap and pin control:
     * the protocols Base counts.
     */
    private static final int PROTOCOL_COUNT = 9;
    private static final int BASE_LOWEST_VERSION = 0x2_0000;
    /** Built-in board: sensor 0 (soc_temp) reads at once; sensor 3 (board_power) is read asynchronously. */
    private static final int FAST_SENSOR = 0;
    private static final int SLOW_SENSOR = 3;
    private static final int COMMANDS_PER_GUEST = 2_000;

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int AGENT_REPLY = RESPONSE_PREFIX + 4 + SHORT_NAME;
    private static final int READING_REPLY = RESPONSE_PREFIX + 16;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    /** Delayed SENSOR_READING_GET: header, status, sensor_id, one reading. */
    private static final int DELAYED_READING_SIZE = 12 + 16;

    @TempDir
    static Path folder;
    private static ServerProcess server;
    private static Path socketA;
    private static Path socketB;

    @BeforeAll
    static void startServer() throws Exception {
        socketA = folder.resolve(GUEST_A + ".sock");
        socketB = folder.resolve(GUEST_B + ".sock");
        server = ServerProcess.startJar(List.of(socketA, socketB), null);
        ScmiGuest.connect(socketA).close();
        ScmiGuest.connect(socketB).close();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoGuestsAreServedAtOnceAsSeparateAgents() throws Exception {
        try (ScmiGuest a = ScmiGuest.connect(socketA); ScmiGuest b = ScmiGuest.connect(socketB);
                ExecutorService drivers = Executors.newFixedThreadPool(2)) {
            assertIdentity(a, AGENT_A, GUEST_A);
            assertIdentity(b, AGENT_B, GUEST_B);
            a.call(BASE, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY).assertValues(Le.words(PROTOCOL_COUNT | 2 << BASE_AGENTS_SHIFT));
            a.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY, AGENT_B)
                    .assertValues(Le.words(AGENT_B).name(GUEST_B, SHORT_NAME));
            b.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY, AGENT_A)
                    .assertValues(Le.words(AGENT_A).name(GUEST_A, SHORT_NAME));

            // Both guests at full speed at once: each answer on the right guest's ring, for the right agent.
            Future<?> trafficA = drivers.submit(() -> traffic(a, AGENT_A, GUEST_A));
            Future<?> trafficB = drivers.submit(() -> traffic(b, AGENT_B, GUEST_B));
            trafficA.get();
            trafficB.get();
        }
    }

    private static Void traffic(ScmiGuest guest, int agentId, String name) throws Exception {
        for (int i = 0; i < COMMANDS_PER_GUEST; i++) {
            guest.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
            assertIdentity(guest, agentId, name);
        }
        return null;
    }

    /** Sensor settings, negotiated versions and delayed responses belong to one agent only. */
    @Test
    void oneGuestsStateDoesNotReachTheOther() throws Exception {
        try (ScmiGuest a = ScmiGuest.connect(socketA); ScmiGuest b = ScmiGuest.connect(socketB)) {
            int config = a.call(SENSOR, SENSOR_CONFIG_GET, ONE_WORD_REPLY, FAST_SENSOR).value(0);
            assertEquals(SENSOR_ENABLED, config & SENSOR_ENABLED, "sensor enabled at start");
            a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, FAST_SENSOR, config & ~SENSOR_ENABLED)
                    .assertValues(new byte[0]);
            try {
                a.call(SENSOR, SENSOR_READING_GET, READING_REPLY, FAST_SENSOR, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
                b.call(SENSOR, SENSOR_CONFIG_GET, ONE_WORD_REPLY, FAST_SENSOR).assertValues(Le.words(config));
                assertReading(b.call(SENSOR, SENSOR_READING_GET, READING_REPLY, FAST_SENSOR, 0));
            } finally {
                a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, FAST_SENSOR, config).assertValues(new byte[0]);
            }
            assertReading(a.call(SENSOR, SENSOR_READING_GET, READING_REPLY, FAST_SENSOR, 0));

            a.call(BASE, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, BASE_LOWEST_VERSION).assertValues(new byte[0]);
            a.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_LOWEST_VERSION));
            b.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));

            Response accepted = a.call(SENSOR, SENSOR_READING_GET, STATUS_ONLY, SLOW_SENSOR, SENSOR_READ_ASYNC);
            accepted.assertValues(new byte[0]);
            byte[] delayed = a.awaitEvent();
            assertEquals(DELAYED_READING_SIZE, delayed.length, "delayed response length");
            assertEquals(Scmi.delayedResponseHeader(accepted.commandHeader()), Le.word(delayed, 0), "header");
            assertEquals(ScmiStatus.SUCCESS.code(), Le.word(delayed, 1), "status");
            assertEquals(SLOW_SENSOR, Le.word(delayed, 2), "sensor_id");
            Thread.sleep(100);
            assertNull(b.pollEvent(), "guest b got an event of guest a");
        }
    }

    /** A guest that quits and comes back on its socket is served again, as the same agent. */
    @Test
    void reconnectOnTheSameSocket() throws Exception {
        try (ScmiGuest b = ScmiGuest.connect(socketB)) {
            for (int round = 0; round < 3; round++) {
                try (ScmiGuest a = ScmiGuest.connect(socketA)) {
                    assertIdentity(a, AGENT_A, GUEST_A);
                    a.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
                }
                assertIdentity(b, AGENT_B, GUEST_B);
            }
        }
    }

    /** QEMU stopping the device (GET_VRING_BASE) and starting it again resumes where the rings stopped. */
    @Test
    void deviceStoppedAndStartedAgainResumes() throws Exception {
        try (ScmiGuest a = ScmiGuest.connect(socketA)) {
            for (int i = 0; i < 5; i++) {
                a.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
            }
            int[] bases = a.frontend().stop();
            assertEquals(5, bases[0], "cmdq stopped after the 5 commands");
            a.frontend().start();
            a.call(BASE, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(BASE_VERSION));
            assertIdentity(a, AGENT_A, GUEST_A);
        }
    }

    /** A guest vanishing with commands in flight harms neither the other guest nor its own socket. */
    @Test
    void disconnectWithCommandsInFlight() throws Exception {
        try (ScmiGuest b = ScmiGuest.connect(socketB)) {
            for (int round = 0; round < 3; round++) {
                ScmiGuest a = ScmiGuest.connect(socketA);
                for (int i = 0; i < 8; i++) {
                    a.frontend().submit(Le.words(a.commandHeader(SENSOR, SENSOR_READING_GET), SLOW_SENSOR, 0).bytes(),
                            READING_REPLY);
                }
                a.close();
                assertIdentity(b, AGENT_B, GUEST_B);
            }
            try (ScmiGuest a = ScmiGuest.connect(socketA)) {
                assertIdentity(a, AGENT_A, GUEST_A);
            }
        }
    }

    private static void assertIdentity(ScmiGuest guest, int agentId, String name) throws Exception {
        guest.call(BASE, BASE_DISCOVER_AGENT, AGENT_REPLY, AGENT_CALLER)
                .assertValues(Le.words(agentId).name(name, SHORT_NAME));
    }

    /** A successful reading of a scalar sensor: status SUCCESS and one 16-byte reading. */
    private static void assertReading(Response response) {
        assertEquals(ScmiStatus.SUCCESS.code(), response.status(), "status");
        assertEquals(READING_REPLY, response.usedLength(), "used length");
        assertArrayEquals(new byte[8], Arrays.copyOfRange(response.bytes(), RESPONSE_PREFIX + 8,
                READING_REPLY), "timestamp (reporting off)");
    }
}
