package org.scmi.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Dispatch.callWithRoom;
import static org.scmi.api.testing.Le.words;

import java.lang.annotation.Annotation;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;
import org.scmi.api.perf.PerfControl;
import org.scmi.api.perf.PerfDomain;
import org.scmi.api.perf.PerfDriver;
import org.scmi.api.perf.PerfLevel;
import org.scmi.api.perf.PerfLimits;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.core.AgentStates;

class PerfProtocolTest {
    /** Short, so that waiting for an absent driver takes little test time. */
    private static final int GRACE_MILLIS = 200;
    private static final int LIMITS_CHANGED_HEADER = 0x0000_4F00;
    private static final int LEVEL_CHANGED_HEADER = 0x0000_4F01;
    private static final int LITTLE = 0;
    private static final int BIG = 1;
    private static final int GPU = 2;
    private static final String BIG_NAME = "cpu_big_cluster_performance";
    /** Level = frequency in kHz: 400 MHz to 1.2 GHz. */
    private static final List<Integer> LITTLE_LEVELS = List.of(400_000, 600_000, 800_000, 1_000_000, 1_200_000);
    /** 600 MHz to 2 GHz in steps of 200 MHz: 8 levels, more than one Linux reply holds. */
    private static final List<Integer> BIG_LEVELS = IntStream.rangeClosed(3, 10).mapToObj(k -> k * 200_000).toList();
    private static final int MAX_BIG = 2_000_000;
    private static final int WAIT_MILLIS = 2_000;

    private final FakeAgent guest1 = new FakeAgent(1, true);
    private final FakeAgent guest2 = new FakeAgent(2, true);
    private final FakeAgent noEvents = new FakeAgent(3, false);
    private final TestPerfDriver board = new TestPerfDriver(
            new PerfDomain("little", "cpu_little", levels(LITTLE_LEVELS), 1_200_000, 1000,
                    EnumSet.allOf(PerfControl.class)),
            new PerfDomain("big", BIG_NAME, levels(BIG_LEVELS), 1_800_000, 500, EnumSet.allOf(PerfControl.class)),
            new PerfDomain("gpu", "gpu", levels(List.of(200_000, 400_000)), 400_000, 0, Set.of()));
    private final AgentStates store = new AgentStates();
    private PerfProtocol perf;

    /** Levels whose frequency in kHz is their value, with a power of value / 2 µW and a latency of value / 10000 µs. */
    static List<PerfLevel> levels(List<Integer> values) {
        return values.stream().map(value -> new PerfLevel(value, value / 2, value / 10_000, value)).toList();
    }

    static PerfProtocolConfig config(int driverGraceMillis) {
        return new PerfProtocolConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PerfProtocolConfig.class;
            }

            @Override
            public int driverGraceMillis() {
                return driverGraceMillis;
            }
        };
    }

    @BeforeEach
    void start() {
        perf = new PerfProtocol(config(GRACE_MILLIS), store);
        perf.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        perf.bindDriver(board, Map.of(PerfDriver.DRIVER_KEY, "board", "service.id", 10L));
    }

    @Test
    void declaresItsIdVersionAndParameterSizes() {
        assertEquals(0x13, perf.protocolId());
        assertEquals(0x40000, perf.version());
        int[][] lengths = {{0x1, 0}, {0x3, 4}, {0x4, 8}, {0x5, 12}, {0x6, 4}, {0x7, 8}, {0x8, 4}, {0x9, 8},
            {0xA, 8}, {0xB, 8}, {0xC, 4}};
        for (int[] length : lengths) {
            assertEquals(length[1], perf.handler(length[0], guest1).parameterLength(), "message " + length[0]);
        }
        assertNull(perf.handler(0xD, guest1));
        assertNull(perf.handler(0x9, noEvents), "notifications need an event channel");
        assertNull(perf.handler(0xA, noEvents));
        assertEquals(0, perf.messageAttributes(0x7, guest1), "no message has a fast channel");
    }

    @Test
    void protocolAttributesCountDomainsInMicrowattsWithoutStatistics() {
        assertArrayEquals(words(0, 3 | 1 << 17, 0, 0, 0), call(perf, guest1, 0x1));
    }

    @Test
    void domainAttributesSayWhatAgentsMayDoAndNeverOfferFastChannels() {
        int notifications = 1 << 29 | 1 << 28;
        assertArrayEquals(Le.bytes().u32(0).u32(1 << 31 | 1 << 30 | notifications).u32(1000).u32(1_200_000)
                .u32(1_200_000).name("cpu_little", 16).toArray(), call(perf, guest1, 0x3, LITTLE));
        assertArrayEquals(Le.bytes().u32(0).u32(1 << 31 | 1 << 30 | notifications | 1 << 26).u32(500)
                .u32(1_800_000).u32(1_800_000).name(BIG_NAME, 16).toArray(), call(perf, guest1, 0x3, BIG));
        assertArrayEquals(Le.bytes().u32(0).u32(0).u32(0).u32(400_000).u32(400_000).name("gpu", 16).toArray(),
                call(perf, noEvents, 0x3, GPU), "platform-only domain, agent without notifications");
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0x3, 3));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name(BIG_NAME, 64).toArray(), call(perf, guest1, 0xC, BIG));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0xC, 3));
    }

    @Test
    void levelsArePagedToTheAgentsBufferWithPowerLatencyAndFrequency() {
        // 128 bytes hold the count word and six 20-byte descriptors.
        Le first = Le.bytes().u32(0).u32(6 | 2 << 16);
        IntStream.range(0, 6).forEach(i -> descriptor(first, BIG_LEVELS.get(i), i));
        assertArrayEquals(first.toArray(), call(perf, guest1, 0x4, BIG, 0));
        Le second = Le.bytes().u32(0).u32(2);
        IntStream.range(6, 8).forEach(i -> descriptor(second, BIG_LEVELS.get(i), i));
        assertArrayEquals(second.toArray(), call(perf, guest1, 0x4, BIG, 6));
        for (int index = 0; index < BIG_LEVELS.size(); index++) {
            Le one = Le.bytes().u32(0).u32(1 | (BIG_LEVELS.size() - index - 1) << 16);
            descriptor(one, BIG_LEVELS.get(index), index);
            assertArrayEquals(one.toArray(), callWithRoom(perf, guest1, 24, 0x4, BIG, index));
        }
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(perf, guest1, 0x4, BIG, 8));
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(perf, guest1, 0x4, BIG, -1));
        assertArrayEquals(words(ScmiStatus.COMMS_ERROR.code()), callWithRoom(perf, guest1, 20, 0x4, BIG, 0));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0x4, 3, 0));
    }

    private static void descriptor(Le reply, int level, int index) {
        reply.u32(level).u32(level / 2).u32(level / 10_000).u32(level).u32(index);
    }

    @Test
    void aLevelSetIsInEffectWhenAnswered() {
        assertArrayEquals(words(0, 400_000), call(perf, guest1, 0x8, LITTLE));
        assertArrayEquals(words(0), call(perf, guest1, 0x7, LITTLE, 1_000_000));
        assertEquals(List.of("little=1000000"), board.sets);
        assertArrayEquals(words(0, 1_000_000), call(perf, guest2, 0x8, LITTLE), "one level for every agent");

        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(perf, guest1, 0x7, LITTLE, 1_000_001));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(perf, guest1, 0x7, LITTLE, 1_400_000));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(perf, guest1, 0x7, LITTLE, 0));
        assertArrayEquals(words(ScmiStatus.DENIED.code()), call(perf, guest1, 0x7, GPU, 400_000));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0x7, 3, 400_000));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0x8, 3));
        assertEquals(List.of("little=1000000"), board.sets, "refused requests change nothing");
    }

    /** The highest request wins; an agent's reset gives the domain to the others' requests. */
    @Test
    void theHighestRequestIsInEffect() {
        call(perf, guest1, 0x7, BIG, 1_400_000);
        call(perf, guest2, 0x7, BIG, 800_000);
        assertArrayEquals(words(0, 1_400_000), call(perf, guest2, 0x8, BIG));
        call(perf, guest2, 0x7, BIG, MAX_BIG);
        assertArrayEquals(words(0, MAX_BIG), call(perf, guest1, 0x8, BIG));
        perf.resetAgent(2);
        assertArrayEquals(words(0, 1_400_000), call(perf, guest1, 0x8, BIG));
        perf.resetAgent(1);
        assertArrayEquals(words(0, 600_000), call(perf, guest1, 0x8, BIG), "back to the level before any request");
        assertEquals(List.of("big=1400000", "big=2000000", "big=1400000", "big=600000"), board.sets);
    }

    /** An agent's limits bound its own requests, never another agent's. */
    @Test
    void anAgentsLimitsBoundOnlyItsOwnRequests() {
        assertArrayEquals(words(0), call(perf, guest2, 0x5, BIG, 1_000_000, 800_000));
        assertArrayEquals(words(0, 1_000_000, 800_000), call(perf, guest2, 0x6, BIG));
        assertArrayEquals(words(0, MAX_BIG, 600_000), call(perf, guest1, 0x6, BIG), "guest 1 keeps the whole range");
        assertArrayEquals(words(0, 800_000), call(perf, guest1, 0x8, BIG), "limits alone count at their minimum");

        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(perf, guest2, 0x7, BIG, 1_200_000));
        assertArrayEquals(words(0), call(perf, guest1, 0x7, BIG, 1_600_000));
        assertArrayEquals(words(0, 1_600_000), call(perf, guest2, 0x8, BIG), "guest 2 cannot hold guest 1 down");
        call(perf, guest1, 0x7, BIG, 600_000);
        assertArrayEquals(words(0, 800_000), call(perf, guest1, 0x8, BIG), "nor can guest 1 take guest 2 below its floor");

        // A limit of 0 keeps that limit; a request beyond new limits moves with them.
        call(perf, guest2, 0x7, BIG, 1_000_000);
        assertArrayEquals(words(0), call(perf, guest2, 0x5, BIG, 0, 600_000));
        assertArrayEquals(words(0, 1_000_000, 600_000), call(perf, guest2, 0x6, BIG));
        assertArrayEquals(words(0), call(perf, guest2, 0x5, BIG, 800_000, 0));
        assertArrayEquals(words(0, 800_000, 600_000), call(perf, guest2, 0x6, BIG));
        assertArrayEquals(words(0, 800_000), call(perf, guest1, 0x8, BIG));
    }

    @Test
    void limitsSetErrors() {
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(perf, guest1, 0x5, BIG, 0, 0));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(perf, guest1, 0x5, BIG, MAX_BIG + 1, 600_000));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(perf, guest1, 0x5, BIG, MAX_BIG, 599_999));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(perf, guest1, 0x5, BIG, 700_000, 600_000),
                "limits are levels");
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(perf, guest1, 0x5, BIG, 600_000, MAX_BIG));
        assertArrayEquals(words(ScmiStatus.DENIED.code()), call(perf, guest1, 0x5, GPU, 400_000, 200_000));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0x5, 3, 400_000, 200_000));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0x6, 3));
        assertArrayEquals(words(0, MAX_BIG, 600_000), call(perf, guest1, 0x6, BIG), "nothing changed");
        call(perf, guest1, 0x5, BIG, 1_000_000, 0);
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(perf, guest1, 0x5, BIG, 0, 1_200_000),
                "a new minimum above the maximum kept");
        assertArrayEquals(words(0, 1_000_000, 600_000), call(perf, guest1, 0x6, BIG));
        assertEquals(List.of(), board.sets);
    }

    /** Level changes reach every subscriber, naming the agent that caused them; limits only the agent they moved. */
    @Test
    void notificationsGoToSubscribersOnly() throws InterruptedException {
        call(perf, guest1, 0xA, BIG, 1);
        call(perf, guest2, 0x9, BIG, 1);
        call(perf, guest2, 0x7, BIG, 1_200_000);
        assertEquals(List.of(), guest2.drain(), "guest 2 watches limits, not the level");
        assertEvent(guest1, LEVEL_CHANGED_HEADER, words(2, BIG, 1_200_000));
        call(perf, guest2, 0x7, BIG, 1_200_000);
        assertEquals(List.of(), guest1.drain(), "no change, no notification");

        call(perf, guest1, 0x5, BIG, 1_000_000, 0);
        assertEquals(List.of(), guest2.drain(), "guest 1's limits move nobody's view but its own");
        call(perf, guest2, 0x5, BIG, 1_000_000, 0);
        assertEvent(guest2, LIMITS_CHANGED_HEADER, words(2, BIG, 1_000_000, 600_000));
        assertEvent(guest1, LEVEL_CHANGED_HEADER, words(2, BIG, 1_000_000));

        call(perf, guest1, 0xA, BIG, 0);
        call(perf, guest2, 0x7, BIG, 800_000);
        assertEquals(List.of(), guest1.drain(), "unsubscribed");
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(perf, guest1, 0xA, BIG, 2));
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(perf, guest1, 0x9, BIG, 0x8000_0001));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0x9, 3, 1));
    }

    /**
     * The platform narrows its limits: the hardware moves into them, every subscriber hears the new
     * view of the limits from agent 0; when it widens them again, the level goes back up to what
     * agents ask for.
     */
    @Test
    void platformLimitsMoveEveryAgentsViewAndTheLevel() throws InterruptedException {
        call(perf, guest1, 0x7, BIG, 1_600_000);
        call(perf, guest1, 0x9, BIG, 1);
        call(perf, guest1, 0xA, BIG, 1);
        call(perf, guest2, 0x9, BIG, 1);
        call(perf, guest2, 0x5, BIG, 1_000_000, 0);
        assertEvent(guest2, LIMITS_CHANGED_HEADER, words(2, BIG, 1_000_000, 600_000));
        call(perf, noEvents, 0x7, BIG, 1_800_000);
        assertEvent(guest1, LEVEL_CHANGED_HEADER, words(3, BIG, 1_800_000));
        perf.resetAgent(3);
        assertEvent(guest1, LEVEL_CHANGED_HEADER, words(3, BIG, 1_600_000));

        board.platformLimits("big", new PerfLimits(1_200_000, 600_000));
        assertEvent(guest1, LEVEL_CHANGED_HEADER, words(0, BIG, 1_200_000));
        assertEvent(guest1, LIMITS_CHANGED_HEADER, words(0, BIG, 1_200_000, 600_000));
        assertEquals(List.of(), guest2.drain(), "guest 2's own limits are narrower still");
        assertArrayEquals(words(0, 1_200_000, 600_000), call(perf, guest1, 0x6, BIG));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(perf, guest1, 0x7, BIG, 1_400_000));

        board.platformLimits("big", new PerfLimits(MAX_BIG, 1_400_000));
        assertEvent(guest1, LEVEL_CHANGED_HEADER, words(0, BIG, 1_400_000));
        assertEvent(guest1, LIMITS_CHANGED_HEADER, words(0, BIG, MAX_BIG, 1_400_000));
        assertEvent(guest2, LIMITS_CHANGED_HEADER, words(0, BIG, 1_400_000, 1_400_000));
        assertEvent(guest1, LEVEL_CHANGED_HEADER, words(0, BIG, 1_600_000));
        assertArrayEquals(words(0, 1_600_000), call(perf, guest2, 0x8, BIG));
    }

    @Test
    void aLevelThePlatformSetsIsWhereTheDomainReturnsWhenNoAgentAsks() throws InterruptedException {
        call(perf, guest1, 0xA, LITTLE, 1);
        call(perf, guest2, 0x7, LITTLE, 800_000);
        assertEvent(guest1, LEVEL_CHANGED_HEADER, words(2, LITTLE, 800_000));
        board.platformSetsLevel("little", 1_200_000);
        assertEvent(guest1, LEVEL_CHANGED_HEADER, words(0, LITTLE, 1_200_000));
        perf.resetAgent(2);
        assertArrayEquals(words(0, 1_200_000), call(perf, guest1, 0x8, LITTLE));
        assertEquals(List.of(), guest1.drain(), "the level stayed");
    }

    @Test
    void describeFastChannelSaysThereAreNone() {
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(perf, guest1, 0xB, LITTLE, 0x7));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(perf, guest1, 0xB, LITTLE, 0x8));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(perf, guest1, 0xB, LITTLE, 0x0));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0xB, LITTLE, 0xD));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, guest1, 0xB, 3, 0x7));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(perf, noEvents, 0xB, LITTLE, 0x9),
                "no notify command for this agent");
    }

    @Test
    void aFailedLevelChangeLeavesTheRequestWithdrawn() {
        board.hardware.fail(ScmiStatus.HARDWARE_ERROR);
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), call(perf, guest1, 0x7, LITTLE, 800_000));
        board.hardware.fail(null);
        call(perf, guest2, 0x7, LITTLE, 600_000);
        assertArrayEquals(words(0, 600_000), call(perf, guest1, 0x8, LITTLE), "guest 1's failed request does not count");
    }

    @Test
    void anAwayDriverKeepsItsDomainsListedAndHardwareCommandsWaitForIt() throws Exception {
        perf.unbindDriver(board);
        assertArrayEquals(words(0, 3 | 1 << 17, 0, 0, 0), call(perf, guest1, 0x1), "ids do not move");
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("cpu_little", 64).toArray(), call(perf, guest1, 0xC, LITTLE),
                "descriptions need no driver");
        CompletableFuture<byte[]> level = CompletableFuture.supplyAsync(() -> call(perf, guest1, 0x8, LITTLE));
        Thread.sleep(GRACE_MILLIS / 4);
        assertFalse(level.isDone(), "PERFORMANCE_LEVEL_GET waits for the driver");
        perf.bindDriver(board, Map.of(PerfDriver.DRIVER_KEY, "board", "service.id", 11L));
        assertArrayEquals(words(0, 400_000), level.get(1, TimeUnit.SECONDS));

        perf.unbindDriver(board);
        long started = System.nanoTime();
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), call(perf, guest1, 0x7, LITTLE, 600_000));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= GRACE_MILLIS);
    }

    @Test
    void requestsLimitsAndSubscriptionsOutliveTheProtocolInstance() throws Exception {
        call(perf, guest1, 0x7, BIG, 1_400_000);
        call(perf, guest2, 0x5, BIG, 1_000_000, 800_000);
        call(perf, guest2, 0xA, BIG, 1);
        perf.unbindDriver(board);

        PerfProtocol updated = new PerfProtocol(config(GRACE_MILLIS), store);
        updated.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        updated.bindDriver(board, Map.of(PerfDriver.DRIVER_KEY, "board", "service.id", 12L));
        assertArrayEquals(words(0, 1_000_000, 800_000), call(updated, guest2, 0x6, BIG), "guest 2's limits");
        updated.resetAgent(1);
        assertEvent(guest2, LEVEL_CHANGED_HEADER, words(1, BIG, 800_000));
        updated.resetAgent(2);
        assertArrayEquals(words(0, 600_000), call(updated, guest1, 0x8, BIG), "the level from before any request");
    }

    private static void assertEvent(FakeAgent agent, int header, byte[] payload) throws InterruptedException {
        FakeAgent.Event event = agent.next(WAIT_MILLIS);
        assertTrue(event != null, "agent " + agent.id() + " received nothing");
        assertEquals(Integer.toHexString(header), Integer.toHexString(event.header()));
        assertEquals(HexFormat.of().formatHex(payload), HexFormat.of().formatHex(event.payload()));
    }
}
