package org.scmi.clock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Dispatch.callWithRoom;
import static org.scmi.api.testing.Le.words;

import java.lang.annotation.Annotation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ResourceKind;
import org.scmi.api.ScmiStatus;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockControl;
import org.scmi.api.clock.ClockDriver;
import org.scmi.api.clock.ClockRates;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.api.testing.Views;
import org.scmi.core.AgentStates;

class ClockProtocolTest {
    private static final Set<ClockControl> ALL = EnumSet.allOf(ClockControl.class);
    private static final long MHZ = 1_000_000L;
    private static final long TOP_RATE = 4_800_000_000L;
    private static final List<Long> CPU_RATES = LongStream.concat(LongStream.rangeClosed(1, 20).map(k -> k * 100 * MHZ),
            LongStream.of(TOP_RATE)).boxed().toList();
    private static final int RATE_CHANGED_HEADER = 0x0000_5300;
    private static final int CHANGE_REQUESTED_HEADER = 0x0000_5301;
    /** CLOCK_RATE_SET, type 2, protocol 0x14, token 0x2A ({@code Dispatch.TOKEN}, the token every call uses). */
    private static final int RATE_SET_DELAYED_HEADER = 0x00A8_5205;
    private static final int CPU = 0;
    private static final int GPU = 1;
    private static final int UART = 2;
    private static final int OSC = 3;
    private static final int PLL = 4;
    private static final int MUX = 5;

    private final FakeAgent guest1 = new FakeAgent(1, true);
    private final FakeAgent guest2 = new FakeAgent(2, true);
    private final FakeAgent noEvents = new FakeAgent(3, false);
    private final TestClockDriver board = new TestClockDriver(
            new Clock("cpu", "cpu_clk", new ClockRates.Discrete(CPU_RATES), List.of(), ALL, 50, 10),
            new Clock("gpu", "gpu_clk", new ClockRates.Range(100 * MHZ, 800 * MHZ, 25 * MHZ), List.of(), ALL, 0, 300),
            new Clock("uart", "uart_clk", new ClockRates.Discrete(List.of(24 * MHZ)), List.of(),
                    Set.of(ClockControl.STATE), 0, 0),
            new Clock("osc", "osc_24m", new ClockRates.Discrete(List.of(24 * MHZ)), List.of(), Set.of(), 0, 0),
            new Clock("pll", "pll_1g", new ClockRates.Discrete(List.of(1000 * MHZ)), List.of(), ALL, 0, 0),
            new Clock("mux", "peripheral_mux_clock", new ClockRates.Discrete(List.of(24 * MHZ, 1000 * MHZ)),
                    List.of("osc", "pll"), ALL, 0, 0));
    /** Short, so that waiting for an absent driver takes little test time. */
    private static final int GRACE_MILLIS = 200;
    private final AgentStates store = new AgentStates();
    private ClockProtocol clock;

    static ClockProtocolConfig config(int maxPending, int deadlineMillis) {
        return new ClockProtocolConfig() {
            @Override
            public int driverGraceMillis() {
                return GRACE_MILLIS;
            }

            @Override
            public int maxPendingAsyncRateChanges() {
                return maxPending;
            }

            @Override
            public int asyncDeadlineMillis() {
                return deadlineMillis;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ClockProtocolConfig.class;
            }
        };
    }

    @BeforeEach
    void start() {
        board.startsEnabled("cpu");
        clock = new ClockProtocol(config(8, 1500), store);
        clock.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        clock.bindDriver(board, Map.of(ClockDriver.DRIVER_KEY, "board", "service.id", 10L));
    }

    @AfterEach
    void stop() throws InterruptedException {
        clock.deactivate();
    }

    private static byte[] rate(long rate) {
        return words((int) rate, (int) (rate >>> 32));
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }

    @Test
    void declaresItsIdVersionAndParameterSizes() {
        assertEquals(0x14, clock.protocolId());
        assertEquals(0x30000, clock.version());
        int[][] lengths = {{0x1, 0}, {0x3, 4}, {0x4, 8}, {0x5, 16}, {0x6, 4}, {0x7, 12}, {0x8, 4}, {0x9, 8},
            {0xA, 8}, {0xB, 8}, {0xC, 8}, {0xD, 8}, {0xE, 4}, {0xF, 4}};
        for (int[] length : lengths) {
            assertEquals(length[1], clock.handler(length[0], guest1).parameterLength(), "message " + length[0]);
        }
        assertNull(clock.handler(0x11, guest1));
        assertNull(clock.handler(0x9, noEvents));
        assertNull(clock.handler(0xA, noEvents));
    }

    @Test
    void protocolAttributesOfferAsyncOnlyWithAnEventChannelAndFastClocks() throws InterruptedException {
        assertArrayEquals(words(0, 6 | 8 << 16), call(clock, guest1, 0x1));
        assertArrayEquals(words(0, 6), call(clock, noEvents, 0x1));
        clock.modified(config(8, 300));
        assertArrayEquals(words(0, 6), call(clock, guest1, 0x1), "gpu_clk takes 300 ms");
        clock.modified(config(1000, 1500));
        assertArrayEquals(words(0, 6 | 255 << 16), call(clock, guest1, 0x1));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(clock, guest1, 0x3, 6));
    }

    @Test
    void withoutDriversThereAreNoClocks() throws InterruptedException {
        ClockProtocol empty = new ClockProtocol(config(8, 1500), store);
        assertArrayEquals(words(0, 8 << 16), call(empty, guest1, 0x1));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(empty, guest1, 0x3, 0));
        empty.deactivate();
    }

    @Test
    void anAwayDriverKeepsItsClocksListedAndHardwareCommandsWaitForIt() throws Exception {
        clock.unbindDriver(board);
        assertArrayEquals(words(0, 6 | 8 << 16), call(clock, guest1, 0x1), "ids do not move");
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("cpu_clk", 64).toArray(), call(clock, guest1, 0x8, CPU),
                "descriptions need no driver");

        CompletableFuture<byte[]> rate = CompletableFuture.supplyAsync(() -> call(clock, guest1, 0x6, CPU));
        Thread.sleep(GRACE_MILLIS / 4);
        assertFalse(rate.isDone(), "CLOCK_RATE_GET waits for the driver");
        clock.bindDriver(board, Map.of(ClockDriver.DRIVER_KEY, "board", "service.id", 11L));
        assertArrayEquals(concat(words(0), rate(100 * MHZ)), rate.get(1, TimeUnit.SECONDS));
    }

    @Test
    void aDriverThatStaysAwayEndsTheWaitWithAHardwareError() {
        clock.unbindDriver(board);
        long started = System.nanoTime();
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), call(clock, guest1, 0x6, CPU));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= GRACE_MILLIS);
    }

    @Test
    void settingsAndSubscriptionsOutliveTheProtocolInstance() throws Exception {
        assertRateSet(CPU, 0, 800 * MHZ, 800 * MHZ);
        call(clock, guest1, 0x7, CPU, 0, 0);
        call(clock, guest2, 0x9, CPU, 1);
        clock.deactivate();

        ClockProtocol updated = new ClockProtocol(config(8, 1500), store);
        updated.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        updated.bindDriver(board, Map.of(ClockDriver.DRIVER_KEY, "board", "service.id", 12L));
        try {
            assertArrayEquals(words(0, 0, 0, 0), call(updated, guest1, 0xB, CPU, 0), "guest 1's disabling vote");
            assertArrayEquals(words(0), call(updated, guest1, 0x5, 0, CPU, (int) (400 * MHZ), 0));
            FakeAgent.Event changed = guest2.await();
            assertArrayEquals(concat(words(1, CPU), rate(400 * MHZ)), changed.payload(), "still subscribed");
            updated.resetAgent(1);
            assertArrayEquals(concat(words(0), rate(100 * MHZ)), call(updated, guest2, 0x6, CPU),
                    "the rate from before any agent was kept across the update");
        } finally {
            updated.deactivate();
            clock = new ClockProtocol(config(8, 1500), store); // for the common tear-down
        }
    }

    @Test
    void clockAttributesByteForByte() {
        assertArrayEquals(Le.bytes().u32(0).u32(0xC000_0001).name("cpu_clk", 16).u32(50).toArray(),
                call(clock, guest1, 0x3, CPU));
        assertArrayEquals(Le.bytes().u32(0).u32(0x0000_0001).name("cpu_clk", 16).u32(50).toArray(),
                call(clock, noEvents, 0x3, CPU));
        assertArrayEquals(Le.bytes().u32(0).u32(0xC000_0002).name("uart_clk", 16).u32(0).toArray(),
                call(clock, guest1, 0x3, UART));
        assertArrayEquals(Le.bytes().u32(0).u32(0x3000_0000).name("peripheral_mux_clock", 16).u32(0).toArray(),
                call(clock, noEvents, 0x3, MUX));
    }

    @Test
    void unknownClocksAreNotFoundInEveryMessage() {
        byte[] notFound = words(ScmiStatus.NOT_FOUND.code());
        for (int id : new int[] {6, 0xFFFF, 0xFFFF_FFFF}) {
            assertArrayEquals(notFound, call(clock, guest1, 0x3, id));
            assertArrayEquals(notFound, call(clock, guest1, 0x4, id, 0));
            assertArrayEquals(notFound, call(clock, guest1, 0x5, 0, id, (int) (100 * MHZ), 0));
            assertArrayEquals(notFound, call(clock, guest1, 0x6, id));
            assertArrayEquals(notFound, call(clock, guest1, 0x7, id, 1, 0));
            assertArrayEquals(notFound, call(clock, guest1, 0x8, id));
            assertArrayEquals(notFound, call(clock, guest1, 0x9, id, 1));
            assertArrayEquals(notFound, call(clock, guest1, 0xA, id, 1));
            assertArrayEquals(notFound, call(clock, guest1, 0xB, id, 0));
            assertArrayEquals(notFound, call(clock, guest1, 0xC, id, 0));
            assertArrayEquals(notFound, call(clock, guest1, 0xD, id, OSC));
            assertArrayEquals(notFound, call(clock, guest1, 0xE, id));
            assertArrayEquals(notFound, call(clock, guest1, 0xF, id));
        }
        assertArrayEquals(notFound, call(clock, guest1, 0xD, MUX, 6), "unknown parent");
    }

    @Test
    void discreteRatesArePagedToTheAgentsBuffer() {
        byte[] first = call(clock, guest1, 0x4, CPU, 0);
        assertArrayEquals(concat(words(0, 15 | 6 << 16), ratesBytes(0, 15)), first);
        byte[] rest = call(clock, guest1, 0x4, CPU, 15);
        assertArrayEquals(concat(words(0, 6), ratesBytes(15, 21)), rest);
        assertArrayEquals(concat(words(0, 1), rate(TOP_RATE)), call(clock, guest1, 0x4, CPU, 20),
                "Linux asks for the last rate alone");

        byte[] small = callWithRoom(clock, guest1, 4 + 2 * 8, 0x4, CPU, 4);
        assertArrayEquals(concat(words(0, 2 | 15 << 16), ratesBytes(4, 6)), small);
        assertArrayEquals(words(ScmiStatus.COMMS_ERROR.code()), callWithRoom(clock, guest1, 8, 0x4, CPU, 0),
                "no room for a single rate");
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(clock, guest1, 0x4, CPU, 21));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(clock, guest1, 0x4, CPU, -1));
    }

    @Test
    void rangeIsOneTriplet() {
        assertArrayEquals(concat(words(0, 3 | 1 << 12), rate(100 * MHZ), rate(800 * MHZ), rate(25 * MHZ)),
                call(clock, guest1, 0x4, GPU, 0));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(clock, guest1, 0x4, GPU, 1));
    }

    private static byte[] ratesBytes(int from, int to) {
        return concat(CPU_RATES.subList(from, to).stream().map(ClockProtocolTest::rate).toArray(byte[][]::new));
    }

    @Test
    void synchronousRateSetRoundsAsAskedAndReadsBack() {
        assertRateSet(CPU, 0, 250 * MHZ, 200 * MHZ);
        assertRateSet(CPU, 0x4, 250 * MHZ, 300 * MHZ);
        assertRateSet(CPU, 0x8, 250 * MHZ, 200 * MHZ);
        assertRateSet(CPU, 0x8, 260 * MHZ, 300 * MHZ);
        assertRateSet(CPU, 0xC, 260 * MHZ, 300 * MHZ);
        assertRateSet(CPU, 0, TOP_RATE, TOP_RATE);
        assertRateSet(GPU, 0, 110 * MHZ, 100 * MHZ);
        assertRateSet(GPU, 0x4, 110 * MHZ, 125 * MHZ);
        assertRateSet(GPU, 0x8, 120 * MHZ, 125 * MHZ);
        assertRateSet(GPU, 0, 800 * MHZ, 800 * MHZ);
    }

    private void assertRateSet(int clockId, int flags, long requested, long expected) {
        assertArrayEquals(words(0), call(clock, guest1, 0x5, flags, clockId, (int) requested, (int) (requested >>> 32)));
        assertArrayEquals(concat(words(0), rate(expected)), call(clock, guest1, 0x6, clockId));
    }

    @Test
    void badRatesFlagsAndPermissionsAreRefused() {
        byte[] invalid = words(ScmiStatus.INVALID_PARAMETERS.code());
        assertArrayEquals(invalid, call(clock, guest1, 0x5, 0, CPU, (int) (50 * MHZ), 0), "below the lowest rate");
        assertArrayEquals(invalid, call(clock, guest1, 0x5, 0x8, CPU, 0, 2), "above the highest rate");
        assertArrayEquals(invalid, call(clock, guest1, 0x5, 0, GPU, (int) (900 * MHZ), 0), "above the range");
        assertArrayEquals(invalid, call(clock, guest1, 0x5, 0x10, CPU, (int) (100 * MHZ), 0), "reserved flag");
        assertArrayEquals(invalid, call(clock, guest1, 0x5, 0x8000_0000, CPU, (int) (100 * MHZ), 0));
        assertArrayEquals(words(ScmiStatus.DENIED.code()), call(clock, guest1, 0x5, 0, UART, (int) (24 * MHZ), 0));
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()),
                call(clock, noEvents, 0x5, 1, CPU, (int) (100 * MHZ), 0), "async without an event channel");
        clock.modified(config(0, 1500));
        assertArrayEquals(invalid, call(clock, guest1, 0x5, 1, CPU, (int) (100 * MHZ), 0), "async not offered");
        assertEquals(List.of(), board.calls);
    }

    @Test
    void asynchronousRateSetCompletesWithADelayedResponse() throws InterruptedException {
        board.hardware.hold();
        long requested = 700 * MHZ;
        assertArrayEquals(words(0), call(clock, guest1, 0x5, 1, CPU, (int) requested, 0));
        assertEquals(List.of(), guest1.drain(), "still changing");
        board.hardware.release();
        FakeAgent.Event done = guest1.await();
        assertEquals(RATE_SET_DELAYED_HEADER, done.header());
        assertArrayEquals(concat(words(0, CPU), rate(requested)), done.payload());
        assertArrayEquals(concat(words(0), rate(requested)), call(clock, guest1, 0x6, CPU));
    }

    @Test
    void asynchronousRateSetWithoutDelayedResponseStillChangesTheRate() throws InterruptedException {
        call(clock, guest1, 0x9, CPU, 1);
        assertArrayEquals(words(0), call(clock, guest1, 0x5, 0x3, CPU, (int) (300 * MHZ), 0));
        FakeAgent.Event event = guest1.await();
        assertEquals(RATE_CHANGED_HEADER, event.header(), "the notification, no delayed response");
        assertArrayEquals(concat(words(1, CPU), rate(300 * MHZ)), event.payload());
    }

    @Test
    void failedAsynchronousRateSetSendsTheStatusAlone() throws InterruptedException {
        board.hardware.fail(ScmiStatus.HARDWARE_ERROR);
        assertArrayEquals(words(0), call(clock, guest1, 0x5, 1, GPU, (int) (200 * MHZ), 0));
        FakeAgent.Event failed = guest1.await();
        assertEquals(RATE_SET_DELAYED_HEADER, failed.header());
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), failed.payload());
    }

    @Test
    void tooManyPendingAsynchronousChangesAreBusy() throws InterruptedException {
        clock.modified(config(2, 1500));
        board.hardware.hold();
        assertArrayEquals(words(0), call(clock, guest1, 0x5, 1, CPU, (int) (200 * MHZ), 0));
        assertArrayEquals(words(0), call(clock, guest1, 0x5, 1, GPU, (int) (200 * MHZ), 0));
        assertArrayEquals(words(ScmiStatus.BUSY.code()), call(clock, guest1, 0x5, 1, PLL, (int) (1000 * MHZ), 0));
        assertArrayEquals(words(0), call(clock, guest2, 0x5, 1, PLL, (int) (1000 * MHZ), 0), "counted per agent");
        board.hardware.release();
        List<FakeAgent.Event> completions = List.of(guest1.await(), guest1.await());
        List<Integer> ids = new ArrayList<>();
        for (FakeAgent.Event completion : completions) {
            ByteBuffer payload = ByteBuffer.wrap(completion.payload()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, payload.getInt());
            ids.add(payload.getInt());
        }
        assertEquals(Set.of(CPU, GPU), Set.copyOf(ids));
        guest2.await();
        assertArrayEquals(words(0), call(clock, guest1, 0x5, 1, PLL, (int) (1000 * MHZ), 0), "slots freed");
        guest1.await();
    }

    @Test
    void enablingIsSharedBetweenAgents() {
        assertArrayEquals(words(0, 0, 1, 0), call(clock, guest1, 0xB, CPU, 0));
        assertArrayEquals(words(0), call(clock, guest1, 0x7, CPU, 0, 0));
        assertEquals(List.of("cpu off"), board.calls);
        assertArrayEquals(words(0, 0, 0, 0), call(clock, guest1, 0xB, CPU, 0));
        assertArrayEquals(words(0, 0, 0, 0), call(clock, guest2, 0xB, CPU, 0), "no vote: the hardware");

        assertArrayEquals(words(0), call(clock, guest2, 0x7, CPU, 1, 0));
        assertEquals(List.of("cpu off", "cpu on"), board.calls);
        assertArrayEquals(words(0, 0, 0, 0), call(clock, guest1, 0xB, CPU, 0), "guest 1 reads its own vote");
        byte[] attributes = call(clock, guest1, 0x3, CPU);
        assertEquals(0, attributes[4] & 1, "CLOCK_ATTRIBUTES bit 0 is the agent's view too");

        clock.resetAgent(2);
        assertEquals(List.of("cpu off", "cpu on", "cpu off"), board.calls);
        clock.resetAgent(1);
        assertEquals(List.of("cpu off", "cpu on", "cpu off", "cpu on"), board.calls, "as found at start");
    }

    @Test
    void badConfigurationsAreRefused() {
        byte[] invalid = words(ScmiStatus.INVALID_PARAMETERS.code());
        assertArrayEquals(invalid, call(clock, guest1, 0x7, CPU, 2, 0), "reserved state");
        assertArrayEquals(invalid, call(clock, guest1, 0x7, CPU, 3, 0), "unchanged without an OEM type");
        assertArrayEquals(invalid, call(clock, guest1, 0x7, CPU, 1 | 1 << 16, 50), "duty cycle not offered");
        assertArrayEquals(invalid, call(clock, guest1, 0x7, CPU, 1 | 1 << 4, 0), "reserved bit");
        assertArrayEquals(invalid, call(clock, guest1, 0x7, CPU, 1 | 1 << 24, 0), "reserved bit");
        assertArrayEquals(words(ScmiStatus.DENIED.code()), call(clock, guest1, 0x7, OSC, 1, 0));
        assertArrayEquals(words(0), call(clock, guest1, 0x7, UART, 1, 0), "uart may be started");
        assertArrayEquals(invalid, call(clock, guest1, 0xB, CPU, 1), "OEM type");
        assertArrayEquals(invalid, call(clock, guest1, 0xB, CPU, 0x100), "reserved flags");
        assertArrayEquals(invalid, call(clock, guest1, 0x9, CPU, 2));
        assertArrayEquals(invalid, call(clock, guest1, 0xA, CPU, 0x8000_0001));
    }

    @Test
    void extendedNameIsSixtyFourBytes() {
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("peripheral_mux_clock", 64).toArray(),
                call(clock, guest1, 0x8, MUX));
    }

    @Test
    void rateNotificationsReachSubscribersOnly() throws InterruptedException {
        assertArrayEquals(words(0), call(clock, guest1, 0x9, CPU, 1));
        assertArrayEquals(words(0), call(clock, guest2, 0xA, CPU, 1));
        assertArrayEquals(words(0), call(clock, guest2, 0x5, 0, CPU, (int) (300 * MHZ), 0));
        FakeAgent.Event changed = guest1.await();
        assertEquals(RATE_CHANGED_HEADER, changed.header());
        assertArrayEquals(concat(words(2, CPU), rate(300 * MHZ)), changed.payload());
        FakeAgent.Event requested = guest2.await();
        assertEquals(CHANGE_REQUESTED_HEADER, requested.header());
        assertArrayEquals(concat(words(2, CPU), rate(300 * MHZ)), requested.payload());
        assertEquals(List.of(), guest1.drain(), "guest 1 asked for rate changes only");
        assertEquals(List.of(), guest2.drain(), "guest 2 asked for change requests only");

        call(clock, guest2, 0x5, 0, GPU, (int) (300 * MHZ), 0);
        assertEquals(List.of(), guest1.drain(), "not subscribed to gpu_clk");
        call(clock, guest1, 0x5, 0, CPU, (int) (300 * MHZ), 0);
        assertEquals(List.of(), guest1.drain(), "same rate: nothing changed");

        board.platformSetsRate("cpu", 1000 * MHZ);
        FakeAgent.Event byPlatform = guest1.await();
        assertEquals(RATE_CHANGED_HEADER, byPlatform.header());
        assertArrayEquals(concat(words(0, CPU), rate(1000 * MHZ)), byPlatform.payload());

        assertArrayEquals(words(0), call(clock, guest1, 0x9, CPU, 0));
        board.platformSetsRate("cpu", 1100 * MHZ);
        assertEquals(List.of(), guest1.drain(), "unsubscribed");
    }

    @Test
    void resetForgetsSubscriptions() {
        call(clock, guest1, 0x9, CPU, 1);
        clock.resetAgent(1);
        call(clock, guest2, 0x5, 0, CPU, (int) (300 * MHZ), 0);
        assertEquals(List.of(), guest1.drain());
    }

    @Test
    void parentsAreListedPagedAndSwitched() {
        assertArrayEquals(words(0, 2, OSC, PLL), call(clock, guest1, 0xC, MUX, 0));
        assertArrayEquals(words(0, 1 | 1 << 24, OSC), callWithRoom(clock, guest1, 8, 0xC, MUX, 0));
        assertArrayEquals(words(0, 1, PLL), call(clock, guest1, 0xC, MUX, 1));
        assertArrayEquals(words(ScmiStatus.OUT_OF_RANGE.code()), call(clock, guest1, 0xC, MUX, 2));
        byte[] unsupported = words(ScmiStatus.NOT_SUPPORTED.code());
        assertArrayEquals(unsupported, call(clock, guest1, 0xC, CPU, 0));
        assertArrayEquals(unsupported, call(clock, guest1, 0xD, CPU, OSC));
        assertArrayEquals(unsupported, call(clock, guest1, 0xE, CPU));

        assertArrayEquals(words(0, OSC), call(clock, guest1, 0xE, MUX));
        assertArrayEquals(words(0), call(clock, guest1, 0xD, MUX, PLL));
        assertArrayEquals(words(0, PLL), call(clock, guest1, 0xE, MUX));
        assertArrayEquals(words(ScmiStatus.INVALID_PARAMETERS.code()), call(clock, guest1, 0xD, MUX, CPU));
        clock.resetAgent(1);
        assertArrayEquals(words(0, OSC), call(clock, guest2, 0xE, MUX), "reset restores the parent");
    }

    @Test
    void permissionsFollowTheClocksControls() {
        assertArrayEquals(words(0, 0xE000_0000), call(clock, guest1, 0xF, CPU));
        assertArrayEquals(words(0, 0x8000_0000), call(clock, guest1, 0xF, UART));
        assertArrayEquals(words(0, 0), call(clock, guest1, 0xF, OSC));
    }

    @Test
    void aSharedClockRunsAtTheHighestRateAnyAgentAsksFor() {
        assertRateSet(CPU, 0, 800 * MHZ, 800 * MHZ);
        assertArrayEquals(words(0), call(clock, guest2, 0x5, 0, CPU, (int) (400 * MHZ), 0));
        assertArrayEquals(concat(words(0), rate(800 * MHZ)), call(clock, guest2, 0x6, CPU),
                "guest 1 still asks for 800 MHz");
        assertArrayEquals(words(0), call(clock, guest2, 0x5, 0, CPU, (int) (1200 * MHZ), 0));
        assertArrayEquals(concat(words(0), rate(1200 * MHZ)), call(clock, guest1, 0x6, CPU));
        assertArrayEquals(words(0), call(clock, guest1, 0x5, 0, CPU, (int) (200 * MHZ), 0));
        assertArrayEquals(concat(words(0), rate(1200 * MHZ)), call(clock, guest1, 0x6, CPU));
        assertEquals(Map.of(1, "200000000 Hz", 2, "1200000000 Hz"), clock.votes().getFirst().votes());
        assertEquals("cpu_clk", clock.votes().getFirst().resource().name());
        clock.resetAgent(2);
        assertArrayEquals(concat(words(0), rate(200 * MHZ)), call(clock, guest1, 0x6, CPU),
                "guest 2's vote is withdrawn: the highest left is guest 1's");
        clock.resetAgent(1);
        assertArrayEquals(concat(words(0), rate(100 * MHZ)), call(clock, guest1, 0x6, CPU), "rate at start");
        assertEquals(List.of(), clock.votes());
    }

    @Test
    void anAgentSeesOnlyTheClocksItsProfileListsUnderItsOwnIds() {
        FakeAgent ivi = new FakeAgent(4, "ivi", true, Views.listing(ResourceKind.CLOCKS, "gpu_clk", "board/cpu"));
        assertArrayEquals(words(0, 2 | 8 << 16), call(clock, ivi, 0x1));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("gpu_clk", 64).toArray(), call(clock, ivi, 0x8, 0));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("cpu_clk", 64).toArray(), call(clock, ivi, 0x8, 1));
        assertArrayEquals(concat(words(0), rate(100 * MHZ)), call(clock, ivi, 0x6, 1));
        for (int message : new int[] {0x3, 0x6, 0x8, 0xE, 0xF}) {
            assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(clock, ivi, message, 2),
                    "message " + message + " of a clock it does not see");
        }
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(clock, ivi, 0x5, 0, 2, (int) MHZ, 0));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(clock, ivi, 0x9, 2, 1));
        assertEquals(List.of("gpu_clk", "cpu_clk"), clock.resources(ivi).stream().map(r -> r.name()).toList());
        assertEquals(6, clock.resources().size());
    }

    @Test
    void notificationsNameTheClockByTheReceiversIdAndSkipAgentsThatDoNotSeeIt() throws InterruptedException {
        FakeAgent gpuOnly = new FakeAgent(3, "gpu", true, Views.listing(ResourceKind.CLOCKS, "gpu_clk"));
        clock.bindAgentDirectory(new FakeDirectory(guest1, guest2, gpuOnly));
        assertArrayEquals(words(0), call(clock, gpuOnly, 0x9, 0, 1));
        assertArrayEquals(words(0), call(clock, guest1, 0x9, GPU, 1));
        assertArrayEquals(words(0), call(clock, guest2, 0x5, 0, GPU, (int) (300 * MHZ), 0));
        assertArrayEquals(concat(words(2, 0), rate(300 * MHZ)), gpuOnly.await().payload(), "gpu_clk is its clock 0");
        assertArrayEquals(concat(words(2, GPU), rate(300 * MHZ)), guest1.await().payload(), "and guest 1's clock 1");
        call(clock, guest2, 0x5, 0, CPU, (int) (300 * MHZ), 0);
        board.platformSetsRate("cpu", 1000 * MHZ);
        assertEquals(List.of(), gpuOnly.drain(), "cpu_clk does not exist for it");
    }

    @Test
    void parentsAnAgentDoesNotSeeAreNotItsToSelect() {
        FakeAgent muxAndPll = new FakeAgent(3, "mux", true,
                Views.listing(ResourceKind.CLOCKS, "peripheral_mux_clock", "pll_1g"));
        assertArrayEquals(words(0, 1, 1), call(clock, muxAndPll, 0xC, 0, 0), "pll_1g is its clock 1; osc_24m is hidden");
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(clock, muxAndPll, 0xE, 0),
                "the mux runs from osc_24m, which the agent does not see");
        assertArrayEquals(words(0), call(clock, muxAndPll, 0xD, 0, 1));
        assertArrayEquals(words(0, 1), call(clock, muxAndPll, 0xE, 0));
        FakeAgent muxAlone = new FakeAgent(4, "alone", true, Views.listing(ResourceKind.CLOCKS, "peripheral_mux_clock"));
        assertEquals(0, ByteBuffer.wrap(call(clock, muxAlone, 0x3, 0)).order(ByteOrder.LITTLE_ENDIAN).getInt(4)
                & 1 << 28, "no parent it could select: no parents bit");
        assertArrayEquals(words(ScmiStatus.NOT_SUPPORTED.code()), call(clock, muxAlone, 0xC, 0, 0));
    }

    @Test
    void driversAreMergedByKeyWithStableIdsAndUniqueNames() {
        TestClockDriver early = new TestClockDriver(
                new Clock("a", "early_clk", new ClockRates.Discrete(List.of(MHZ)), List.of(), ALL, 0, 0),
                new Clock("b", "cpu_clk", new ClockRates.Discrete(List.of(MHZ)), List.of(), ALL, 0, 0));
        clock.bindDriver(early, Map.of(ClockDriver.DRIVER_KEY, "aaa", "service.id", 20L));
        assertEquals(List.of("early_clk", "cpu_clk", "gpu_clk", "uart_clk", "osc_24m", "pll_1g",
                "peripheral_mux_clock"), names(), "the board's cpu_clk repeats a name and is left out");
        assertArrayEquals(words(0, 2, OSC + 1, PLL + 1), call(clock, guest1, 0xC, MUX + 1, 0),
                "parent ids follow the numbering");
        clock.unbindDriver(early);
        clock.unbindDriver(board);
        assertEquals(7, names().size(), "keyed drivers keep their places");
        clock.bindDriver(board, Map.of(ClockDriver.DRIVER_KEY, "board", "service.id", 30L));
        clock.bindDriver(early, Map.of(ClockDriver.DRIVER_KEY, "aaa", "service.id", 31L));
        assertEquals(List.of("early_clk", "cpu_clk", "gpu_clk", "uart_clk", "osc_24m", "pll_1g",
                "peripheral_mux_clock"), names(), "same ids whatever the order drivers come in");
    }

    private List<String> names() {
        int count = ByteBuffer.wrap(call(clock, guest1, 0x1)).order(ByteOrder.LITTLE_ENDIAN).getInt(4) & 0xFFFF;
        return IntStream.range(0, count).mapToObj(id -> new String(call(clock, guest1, 0x8, id), 8, 64,
                StandardCharsets.US_ASCII).replace("\0", "")).toList();
    }
}
