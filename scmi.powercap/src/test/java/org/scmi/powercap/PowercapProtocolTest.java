package org.scmi.powercap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Le.words;

import java.lang.annotation.Annotation;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;
import org.scmi.api.powercap.PowercapDriver;
import org.scmi.api.powercap.PowercapRange;
import org.scmi.api.powercap.PowercapZone;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Le;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.core.AgentStates;

class PowercapProtocolTest {
    /** Short, so that waiting for an absent driver takes little test time. */
    private static final int GRACE_MILLIS = 200;
    private static final int CAP_CHANGED_HEADER = 0x0000_6300;
    private static final int MEASUREMENTS_CHANGED_HEADER = 0x0000_6301;
    /** POWERCAP_CAP_SET, type 2, protocol 0x18, token 0x2A ({@code Dispatch.TOKEN}). */
    private static final int CAP_SET_DELAYED_HEADER = 0x00A8_6205;
    private static final int SOC = 0;
    private static final int CPU = 1;
    private static final int FIXED = 2;
    private static final int ROOT = 0xFFFF_FFFF;
    private static final String CPU_NAME = "cpu_cluster_power_zone";
    private static final int WATT = 1_000_000;
    private static final int MICROWATTS = 1 << 23;
    private static final int NOTIFY_CAP = 1 << 31;
    private static final int NOTIFY_MEASUREMENTS = 1 << 30;
    private static final int ASYNC = 1 << 29;
    private static final int EXTENDED_NAME = 1 << 28;
    private static final int CAP_CONFIGURABLE = 1 << 27;
    private static final int MONITORING = 1 << 26;
    private static final int PAI_CONFIGURABLE = 1 << 25;
    private static final int WAIT_MILLIS = 2_000;

    private final FakeAgent guest1 = new FakeAgent(1, true);
    private final FakeAgent guest2 = new FakeAgent(2, true);
    private final FakeAgent noEvents = new FakeAgent(3, false);
    private final TestPowercapDriver board = new TestPowercapDriver(
            new PowercapZone("soc", "soc", null, new PowercapRange(2 * WATT, 10 * WATT, WATT / 10),
                    new PowercapRange(100_000, 1_000_000, 100_000), 6 * WATT, 500, true, 0),
            new PowercapZone("cpu", CPU_NAME, "soc", new PowercapRange(WATT, 5 * WATT, WATT / 2),
                    PowercapRange.fixed(500_000), 3 * WATT, 1000, true, 3_000),
            new PowercapZone("fixed", "fixed", "elsewhere", PowercapRange.fixed(3 * WATT),
                    PowercapRange.fixed(1_000_000), 3 * WATT, 0, false, 0));
    private final AgentStates store = new AgentStates();
    private PowercapProtocol powercap;

    static PowercapProtocolConfig config(int asyncDeadlineMillis) {
        return new PowercapProtocolConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PowercapProtocolConfig.class;
            }

            @Override
            public int asyncDeadlineMillis() {
                return asyncDeadlineMillis;
            }

            @Override
            public int driverGraceMillis() {
                return GRACE_MILLIS;
            }
        };
    }

    @BeforeEach
    void start() {
        powercap = new PowercapProtocol(config(1500), store);
        powercap.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        powercap.bindDriver(board, Map.of(PowercapDriver.DRIVER_KEY, "board", "service.id", 10L));
    }

    @AfterEach
    void stop() throws InterruptedException {
        powercap.deactivate();
    }

    @Test
    void declaresItsIdVersionAndParameterSizes() {
        assertEquals(0x18, powercap.protocolId());
        assertEquals(0x20000, powercap.version());
        int[][] lengths = {{0x1, 0}, {0x3, 4}, {0x4, 4}, {0x5, 12}, {0x6, 4}, {0x7, 12}, {0x8, 4}, {0x9, 4},
            {0xA, 8}, {0xB, 16}, {0xC, 8}};
        for (int[] length : lengths) {
            assertEquals(length[1], powercap.handler(length[0], guest1).parameterLength(), "message " + length[0]);
        }
        assertNull(powercap.handler(0xD, guest1));
        assertNull(powercap.handler(0xA, noEvents), "notifications need an event channel");
        assertNull(powercap.handler(0xB, noEvents));
        assertArrayEquals(words(0, 3), call(powercap, guest1, 0x1));
    }

    @Test
    void zoneAttributesDescribeCapsIntervalsAndParents() {
        assertArrayEquals(Le.bytes().u32(0).u32(NOTIFY_CAP | NOTIFY_MEASUREMENTS | ASYNC | CAP_CONFIGURABLE | MONITORING
                | PAI_CONFIGURABLE | MICROWATTS).name("soc", 16).u32(100_000).u32(1_000_000).u32(100_000)
                .u32(2 * WATT).u32(10 * WATT).u32(WATT / 10).u32(6 * WATT).u32(500).u32(ROOT).toArray(),
                call(powercap, guest1, 0x3, SOC));
        assertArrayEquals(Le.bytes().u32(0).u32(NOTIFY_CAP | NOTIFY_MEASUREMENTS | EXTENDED_NAME | CAP_CONFIGURABLE
                | MONITORING | MICROWATTS).name(CPU_NAME, 16).u32(500_000).u32(500_000).u32(0).u32(WATT)
                .u32(5 * WATT).u32(WATT / 2).u32(3 * WATT).u32(1000).u32(SOC).toArray(),
                call(powercap, guest1, 0x3, CPU), "too slow to be capped asynchronously, a child of soc");
        assertArrayEquals(Le.bytes().u32(0).u32(MICROWATTS).name("fixed", 16).u32(1_000_000).u32(1_000_000).u32(0)
                .u32(3 * WATT).u32(3 * WATT).u32(0).u32(3 * WATT).u32(0).u32(ROOT).toArray(),
                call(powercap, noEvents, 0x3, FIXED), "its parent is not listed: a root zone");
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0x3, 3));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name(CPU_NAME, 64).toArray(), call(powercap, guest1, 0x8, CPU));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0x8, 3));
    }

    /** The lowest cap anyone wants is in effect; a cap of 0 withdraws one's own. */
    @Test
    void theLowestCapIsInEffect() {
        assertArrayEquals(words(0, 0), call(powercap, guest1, 0x4, SOC), "nobody caps the zone");
        assertArrayEquals(words(0), call(powercap, guest1, 0x5, SOC, 0, 5 * WATT));
        assertArrayEquals(words(0, 5 * WATT), call(powercap, guest2, 0x4, SOC));
        assertArrayEquals(words(0), call(powercap, guest2, 0x5, SOC, 0, 7 * WATT));
        assertArrayEquals(words(0, 5 * WATT), call(powercap, guest2, 0x4, SOC), "guest 2 cannot lift guest 1's cap");
        assertArrayEquals(words(0), call(powercap, guest1, 0x5, SOC, 1, 0), "ignore-delayed-response alone: synchronous");
        assertArrayEquals(words(0, 7 * WATT), call(powercap, guest1, 0x4, SOC), "guest 1 withdrew its cap");
        powercap.resetAgent(2);
        assertArrayEquals(words(0, 0), call(powercap, guest1, 0x4, SOC));
        assertEquals(List.of("soc cap 5000000", "soc cap 7000000", "soc cap 0"), board.sets);
    }

    @Test
    void capSetErrors() {
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(powercap, guest1, 0x5, SOC, 4, 5 * WATT));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(powercap, guest1, 0x5, FIXED, 0, 3 * WATT));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(powercap, guest1, 0x5, CPU, 2, 2 * WATT),
                "the cpu zone takes 3 s to apply a cap");
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(powercap, noEvents, 0x5, SOC, 2, 5 * WATT),
                "no delayed response without an event channel");
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(powercap, guest1, 0x5, SOC, 0, 11 * WATT));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(powercap, guest1, 0x5, SOC, 0, WATT));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(powercap, guest1, 0x5, SOC, 0, 5 * WATT + 1),
                "not a step of the range");
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0x5, 3, 0, 5 * WATT));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0x4, 3));
        assertEquals(List.of(), board.sets);
    }

    /**
     * An asynchronous POWERCAP_CAP_SET is answered at once, then completed by a delayed response
     * carrying the cap in effect; with bit 0 it completes without one. One may be pending per zone.
     */
    @Test
    void anAsynchronousCapCompletesWithADelayedResponse() throws InterruptedException {
        call(powercap, guest2, 0xA, SOC, 1);
        assertArrayEquals(words(0), call(powercap, guest1, 0x5, SOC, 2, 6 * WATT));
        assertEvent(guest1, CAP_SET_DELAYED_HEADER, words(0, SOC, 6 * WATT));
        assertEvent(guest2, CAP_CHANGED_HEADER, words(1, SOC, 6 * WATT, 100_000));

        board.hardware.hold();
        assertArrayEquals(words(0), call(powercap, guest1, 0x5, SOC, 3, 4 * WATT));
        assertArrayEquals(words(ScmiStatus.BUSY.code()), call(powercap, guest1, 0x5, SOC, 2, 3 * WATT));
        board.hardware.release();
        assertEvent(guest2, CAP_CHANGED_HEADER, words(1, SOC, 4 * WATT, 100_000));
        assertEquals(null, guest1.next(200), "no delayed response asked for");
        assertArrayEquals(words(0, 4 * WATT), call(powercap, guest1, 0x4, SOC));

        board.hardware.fail(ScmiStatus.HARDWARE_ERROR);
        assertArrayEquals(words(0), call(powercap, guest1, 0x5, SOC, 2, 3 * WATT));
        assertEvent(guest1, CAP_SET_DELAYED_HEADER, words(ScmiStatus.HARDWARE_ERROR.code()));
        board.hardware.fail(null);
        assertArrayEquals(words(0, 4 * WATT), call(powercap, guest1, 0x4, SOC), "the failed cap does not count");
    }

    /** The zone is free for the next cap by the time the agent has the delayed response. */
    @Test
    void anAgentMayCapAgainTheMomentItHasTheDelayedResponse() throws Exception {
        CompletableFuture<byte[]> next = new CompletableFuture<>();
        guest1.onEvent(event -> {
            if (event.header() == CAP_SET_DELAYED_HEADER && !next.isDone()) {
                next.complete(call(powercap, guest1, 0x5, SOC, 3, 4 * WATT));
            }
        });
        assertArrayEquals(words(0), call(powercap, guest1, 0x5, SOC, 2, 6 * WATT));
        assertArrayEquals(words(0), next.get(5, TimeUnit.SECONDS), "the next cap, sent on the delayed response");
    }

    @Test
    void theAveragingIntervalBelongsToTheLastAgentThatSetIt() throws InterruptedException {
        call(powercap, guest2, 0xA, SOC, 1);
        assertArrayEquals(words(0, 100_000), call(powercap, guest1, 0x6, SOC));
        assertArrayEquals(words(0), call(powercap, guest1, 0x7, SOC, 0, 500_000));
        assertEvent(guest2, CAP_CHANGED_HEADER, words(1, SOC, 0, 500_000));
        assertArrayEquals(words(0), call(powercap, guest2, 0x7, SOC, 0, 300_000));
        assertEvent(guest2, CAP_CHANGED_HEADER, words(2, SOC, 0, 300_000));
        powercap.resetAgent(1);
        assertArrayEquals(words(0, 300_000), call(powercap, guest1, 0x6, SOC), "guest 2 owns the interval now");
        powercap.resetAgent(2);
        assertArrayEquals(words(0, 100_000), call(powercap, guest1, 0x6, SOC), "back to the interval before agents");

        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(powercap, guest1, 0x7, SOC, 1, 500_000));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(powercap, guest1, 0x7, SOC, 0, 1_100_000));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(powercap, guest1, 0x7, SOC, 0, 150_000));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(powercap, guest1, 0x7, CPU, 0, 500_000));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0x7, 3, 0, 500_000));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0x6, 3));
    }

    @Test
    void measurementsAndTheirThresholds() throws InterruptedException {
        board.measures("soc", 4 * WATT);
        assertArrayEquals(words(0, 4 * WATT, 100_000), call(powercap, guest1, 0x9, SOC));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(powercap, guest1, 0x9, FIXED));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0x9, 3));

        assertArrayEquals(words(0), call(powercap, guest1, 0xB, SOC, 1, 3 * WATT, 5 * WATT));
        board.measures("soc", 5 * WATT);
        assertEquals(List.of(), guest1.drain(), "within the thresholds");
        board.measures("soc", 5 * WATT + 1);
        assertEvent(guest1, MEASUREMENTS_CHANGED_HEADER, words(0, SOC, 5 * WATT + 1));
        board.measures("soc", 2 * WATT);
        assertEvent(guest1, MEASUREMENTS_CHANGED_HEADER, words(0, SOC, 2 * WATT));
        assertEquals(List.of(), guest2.drain(), "not subscribed");
        assertArrayEquals(words(0), call(powercap, guest1, 0xB, SOC, 0, 0, 0));
        board.measures("soc", WATT);
        assertEquals(List.of(), guest1.drain(), "unsubscribed");

        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(powercap, guest1, 0xB, SOC, 1, 5 * WATT, WATT));
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(powercap, guest1, 0xB, SOC, 3, 0, WATT));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(powercap, guest1, 0xB, FIXED, 1, 0, WATT));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0xB, 3, 1, 0, WATT));
    }

    /** A cap the platform wants counts like an agent's: the lowest is in effect, subscribers hear it from agent 0. */
    @Test
    void aCapThePlatformSetsIsSharedLikeAnAgents() throws InterruptedException {
        call(powercap, guest1, 0xA, SOC, 1);
        call(powercap, guest2, 0x5, SOC, 0, 5 * WATT);
        assertEvent(guest1, CAP_CHANGED_HEADER, words(2, SOC, 5 * WATT, 100_000));
        board.platformCaps("soc", 8 * WATT);
        assertEvent(guest1, CAP_CHANGED_HEADER, words(0, SOC, 5 * WATT, 100_000));
        assertArrayEquals(words(0, 5 * WATT), call(powercap, guest1, 0x4, SOC), "guest 2's lower cap still holds");
        powercap.resetAgent(2);
        assertEvent(guest1, CAP_CHANGED_HEADER, words(2, SOC, 8 * WATT, 100_000));
        assertArrayEquals(words(0, 8 * WATT), call(powercap, guest2, 0x4, SOC));

        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(powercap, guest1, 0xA, SOC, 2));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0xA, 3, 1));
    }

    @Test
    void describeFastChannelSaysThereAreNone() {
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(powercap, guest1, 0xC, SOC, 0x5));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(powercap, guest1, 0xC, SOC, 0x4));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0xC, SOC, 0xD));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(powercap, guest1, 0xC, 3, 0x5));
    }

    @Test
    void anAwayDriverKeepsItsZonesListedAndHardwareCommandsWaitForIt() throws Exception {
        powercap.unbindDriver(board);
        assertArrayEquals(words(0, 3), call(powercap, guest1, 0x1), "ids do not move");
        CompletableFuture<byte[]> cap = CompletableFuture.supplyAsync(() -> call(powercap, guest1, 0x4, SOC));
        Thread.sleep(GRACE_MILLIS / 4);
        assertFalse(cap.isDone(), "POWERCAP_CAP_GET waits for the driver");
        powercap.bindDriver(board, Map.of(PowercapDriver.DRIVER_KEY, "board", "service.id", 11L));
        assertArrayEquals(words(0, 0), cap.get(1, TimeUnit.SECONDS));

        powercap.unbindDriver(board);
        long started = System.nanoTime();
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), call(powercap, guest1, 0x5, SOC, 0, 5 * WATT));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= GRACE_MILLIS);
    }

    @Test
    void capsIntervalsAndSubscriptionsOutliveTheProtocolInstance() throws Exception {
        call(powercap, guest1, 0x5, SOC, 0, 5 * WATT);
        call(powercap, guest1, 0x7, SOC, 0, 400_000);
        call(powercap, guest2, 0xA, SOC, 1);
        powercap.unbindDriver(board);
        powercap.deactivate();

        powercap = new PowercapProtocol(config(1500), store);
        powercap.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        powercap.bindDriver(board, Map.of(PowercapDriver.DRIVER_KEY, "board", "service.id", 12L));
        powercap.resetAgent(1);
        assertEvent(guest2, CAP_CHANGED_HEADER, words(1, SOC, 0, 100_000));
    }

    private static void assertEvent(FakeAgent agent, int header, byte[] payload) throws InterruptedException {
        FakeAgent.Event event = agent.next(WAIT_MILLIS);
        assertTrue(event != null, "agent " + agent.id() + " received nothing");
        assertEquals(Integer.toHexString(header), Integer.toHexString(event.header()));
        assertEquals(HexFormat.of().formatHex(payload), HexFormat.of().formatHex(event.payload()));
    }
}
