package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.Eventually;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Le;

class NotificationTest {
    private static final int TRIP_POINT_EVENT = 0x5700;
    private static final int SENSOR_UPDATE = 0x5701;

    private final FakeDriver board = Sensors.board();
    private final Harness harness = new Harness(board);
    private final FakeAgent guest = harness.agent(1, true);
    private final FakeAgent bystander = harness.agent(2, true);

    @AfterEach
    void close() {
        harness.close();
    }

    /** TRIP_POINT_CONFIG trip_ctrl for a trip point id and mode. */
    private static int trip(int id, int mode) {
        return id << 4 | mode;
    }

    @Test
    void tripPointCrossingsReachOnlyTheSubscriber() throws Exception {
        board.push("temp", 40_000);
        harness.call(guest, 0x5, 0, trip(1, 1), 50_000, 0);
        harness.call(guest, 0x4, 0, 1);

        board.push("temp", 60_000);
        FakeAgent.Event up = guest.next(1000);
        assertNotNull(up);
        assertEquals(TRIP_POINT_EVENT, up.header());
        assertArrayEquals(Le.words(1, 0, 1 << 16 | 1), up.payload());
        assertEquals(12, up.payload().length);

        board.push("temp", 30_000);
        assertNull(guest.next(100), "trip point 1 watches upward crossings only");
        assertNull(bystander.next(0), "the other guest did not subscribe");
    }

    /** Among many agents, one agent's read is a new value for the one agent whose trip point it crosses. */
    @Test
    void anotherAgentsReadCrossesTheSubscribersTripPointAmongManyAgents() throws Exception {
        List<FakeAgent> others = new ArrayList<>();
        for (int id = 3; id <= 64; id++) {
            others.add(harness.agent(id, true));
        }
        board.set("temp", 40_000);
        harness.call(bystander, 0x6, 0, 0);
        harness.call(guest, 0x5, 0, trip(1, 1), 50_000, 0);
        harness.call(guest, 0x4, 0, 1);

        board.set("temp", 60_000);
        harness.call(others.getLast(), 0x6, 0, 0);
        assertArrayEquals(Le.words(1, 0, 1 << 16 | 1), guest.next(1000).payload());
        assertNull(bystander.next(0), "an agent without trip points got an event");
        for (FakeAgent other : others) {
            assertNull(other.next(0), "agent " + other.id() + " got an event");
        }
    }

    @Test
    void bothDirectionsAndNegativeThresholds() throws Exception {
        board.push("temp", 0);
        harness.call(guest, 0x5, 0, trip(0, 3), -5_000, -1);
        harness.call(guest, 0x4, 0, 1);
        board.push("temp", -10_000);
        assertArrayEquals(Le.words(1, 0, 0), guest.next(1000).payload());
        board.push("temp", -5_000);
        assertArrayEquals(Le.words(1, 0, 1 << 16), guest.next(1000).payload());
    }

    @Test
    void noEventsOnceNotificationsOrTheTripPointAreOff() throws Exception {
        board.push("temp", 0);
        harness.call(guest, 0x5, 0, trip(0, 3), 10, 0);
        harness.call(guest, 0x4, 0, 1);
        harness.call(guest, 0x4, 0, 0);
        board.push("temp", 20);
        assertNull(guest.next(100));
        harness.call(guest, 0x4, 0, 1);
        harness.call(guest, 0x5, 0, trip(0, 0), 10, 0);
        board.push("temp", 0);
        assertNull(guest.next(100));
    }

    @Test
    void polledSensorsRaiseTripEventsWithoutDriverPushes() throws Exception {
        board.set("temp", 0);
        harness.call(guest, 0x6, 0, 0);
        harness.call(guest, 0x5, 0, trip(0, 1), 100, 0);
        harness.call(guest, 0x4, 0, 1);
        board.set("temp", 200);
        FakeAgent.Event event = guest.next(2000);
        assertNotNull(event, "sampled at the 100 ms update interval");
        assertArrayEquals(Le.words(1, 0, 1 << 16), event.payload());
    }

    @Test
    void aReadAnsweredAfterANewerValueRaisesNoTripEvents() throws Exception {
        board.push("slow", 0);
        harness.call(guest, 0x5, 3, trip(0, 3), 100, 0);
        harness.call(guest, 0x4, 3, 1);
        CountDownLatch gate = board.hold("slow");
        harness.callSized(guest, 0x6, 7, 128, 3, 1);
        assertTrue(Eventually.within(Duration.ofSeconds(2), () -> board.reads.contains("slow")),
                "the driver was asked");

        board.push("slow", 200);
        assertArrayEquals(Le.words(1, 3, 1 << 16), guest.next(1000).payload(), "crossed upward");
        gate.countDown();
        FakeAgent.Event delayed = guest.next(1000);
        assertEquals(0x6 | 2 << 8 | 0x15 << 10 | 7 << 18, delayed.header());
        assertArrayEquals(Le.bytes().u32(0).u32(3).u64(0).u64(0).toArray(), delayed.payload(),
                "the reader gets the value its read sampled");
        assertNull(guest.next(200), "but that older value is not a downward crossing");

        board.push("slow", 50);
        assertArrayEquals(Le.words(1, 3, 0), guest.next(1000).payload(), "newer values still count");
    }

    @Test
    void tripPointErrors() {
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0x4, 4, 1);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x4, 0, 2);
        harness.fails(ScmiStatus.NOT_SUPPORTED, guest, 0x4, 1, 1);
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0x5, 4, trip(0, 1), 0, 0);
        harness.fails(ScmiStatus.NOT_SUPPORTED, guest, 0x5, 1, trip(0, 1), 0, 0);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x5, 0, trip(2, 1), 0, 0);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x5, 0, trip(0, 1) | 1 << 2, 0, 0);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x5, 0, trip(0, 1) | 1 << 12, 0, 0);
    }

    @Test
    void reservedBitsAreCheckedBeforeTripPointSupportByBothTripPointCommands() {
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x4, 1, 2);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x5, 1, trip(0, 1) | 1 << 2, 0, 0);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x5, 1, trip(0, 1) | 1 << 12, 0, 0);
        harness.fails(ScmiStatus.NOT_SUPPORTED, guest, 0x5, 1, trip(0, 1), 0, 0);
    }

    @Test
    void continuousUpdatesAtTheConfiguredIntervalUntilTurnedOff() throws Exception {
        board.set("accel", 1, 2, 3);
        // 10 ms: seconds 1, exponent -2.
        harness.call(guest, 0xA, 2, 1 << 16 | 0x1E << 11 | 1);
        harness.call(guest, 0xB, 2, 1);
        long start = System.nanoTime();
        FakeAgent.Event first = guest.next(1000);
        assertNotNull(first);
        assertEquals(SENSOR_UPDATE, first.header());
        assertArrayEquals(Le.bytes().u32(1).u32(2).u64(1).u64(0).u64(2).u64(0).u64(3).u64(0).toArray(),
                first.payload());
        for (int i = 0; i < 4; i++) {
            assertNotNull(guest.next(1000));
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        // Five updates at 10 ms take at least 40 ms.
        org.junit.jupiter.api.Assertions.assertTrue(elapsedMillis >= 40, elapsedMillis + " ms");
        assertNull(bystander.next(0));

        harness.call(guest, 0xB, 2, 0);
        Thread.sleep(50);
        guest.drain();
        assertNull(guest.next(100), "no updates after CONTINUOUS_UPDATE_NOTIFY(0)");
    }

    @Test
    void disablingTheSensorStopsUpdatesAndResetForgetsSubscriptions() throws Exception {
        harness.call(guest, 0xB, 2, 1);
        assertNotNull(guest.next(1000));
        harness.call(guest, 0xA, 2, 0);
        Thread.sleep(50);
        guest.drain();
        assertNull(guest.next(100), "a disabled sensor sends nothing");
        harness.call(guest, 0xA, 2, 1);
        assertNotNull(guest.next(1000));
        harness.protocol.resetAgent(1);
        Thread.sleep(50);
        guest.drain();
        assertNull(guest.next(100), "reset drops the subscription");
    }

    @Test
    void continuousUpdateErrors() {
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0xB, 4, 1);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0xB, 2, 3);
    }

    @Test
    void updatesFollowASensorAfterTheListChanges() throws ScmiException, InterruptedException {
        FakeDriver early = new FakeDriver("aaa", Sensors.SLOW);
        harness.call(guest, 0xB, 2, 1);
        assertNotNull(guest.next(1000));
        harness.protocol.addDriver(early);
        guest.drain();
        FakeAgent.Event moved = guest.next(1000);
        assertNotNull(moved);
        assertEquals(3, DescriptionTest.word(moved.payload(), 4), "accel is now sensor 3");
    }

    @Test
    void settingsTripPointsAndUpdatesOutliveTheProtocolInstance() throws Exception {
        board.push("temp", 40_000);
        harness.call(guest, 0x5, 0, trip(1, 1), 50_000, 0);
        harness.call(guest, 0x4, 0, 1);
        board.set("accel", 1, 2, 3);
        harness.call(guest, 0xA, 2, 1 << 16 | 0x1E << 11 | 1 | 1 << 1);
        harness.call(guest, 0xB, 2, 1);
        assertNotNull(guest.next(1000));
        assertTrue(harness.store.entries(0, SensorMessages.PROTOCOL_ID, SensorMonitor.LAST_VALUE).isEmpty(),
                "last values stay in memory while the instance runs");
        harness.close();
        assertEquals(40_000L, Long.parseLong(harness.store.entries(0, SensorMessages.PROTOCOL_ID,
                SensorMonitor.LAST_VALUE).values().stream().filter(v -> v.equals("40000")).findFirst().orElse("0")),
                "the stopped instance left the sensor's last value for its successor");

        try (Harness updated = new Harness(harness.store, board)) {
            FakeAgent sameGuest = updated.agent(1, true);
            updated.rebindDirectory();
            FakeAgent.Event update = sameGuest.next(1000);
            assertNotNull(update, "continuous updates resume in the new instance");
            assertEquals(SENSOR_UPDATE, update.header());
            assertEquals(8 + 3 * 16, update.payload().length, "with timestamps, as configured before");
            assertArrayEquals(Le.words(0x1E << 11 | 1 << 16 | 0b11), updated.call(sameGuest, 0x9, 2));

            updated.call(sameGuest, 0xB, 2, 0);
            Thread.sleep(50);
            sameGuest.drain();
            board.push("temp", 60_000);
            FakeAgent.Event trip = sameGuest.next(1000);
            assertNotNull(trip, "the trip point armed before the update fires");
            assertArrayEquals(Le.words(1, 0, 1 << 16 | 1), trip.payload());
        }
    }
}
