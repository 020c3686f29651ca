package org.scmi.voltage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Dispatch.callWithRoom;
import static org.scmi.api.testing.Le.words;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.BoardResource;
import org.scmi.api.ResourceKind;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.Dispatch;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.api.testing.Views;
import org.scmi.api.voltage.VoltageDomain;
import org.scmi.api.voltage.VoltageDriver;
import org.scmi.api.voltage.VoltageLevels;
import org.scmi.core.AgentStates;

class VoltageProtocolTest {
    private static final int INVALID = ScmiStatus.INVALID_PARAMETERS.code();
    private static final int NOT_SUPPORTED = ScmiStatus.NOT_SUPPORTED.code();
    private static final int OUT_OF_RANGE = ScmiStatus.OUT_OF_RANGE.code();
    /** 40 levels: more than one 128-byte reply holds (31). */
    private static final List<Integer> MANY = IntStream.range(0, 40).map(i -> 600_000 + i * 12_500).boxed().toList();

    private final AgentStates store = new AgentStates();
    private final FakeAgent guest1 = new FakeAgent(1, true);
    private final FakeAgent guest2 = new FakeAgent(2, true);
    private final FakeAgent noEvents = new FakeAgent(3, false);
    private final TestVoltageDriver board = new TestVoltageDriver(
            new VoltageDomain("cpu", "vdd_cpu", new VoltageLevels.Discrete(MANY), false),
            new VoltageDomain("io", "vdd_io_long_supply_name", new VoltageLevels.Range(1_800_000, 3_300_000, 100_000), true));
    private VoltageProtocol voltage;

    static VoltageProtocolConfig config() {
        return new VoltageProtocolConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return VoltageProtocolConfig.class;
            }

            @Override
            public int driverGraceMillis() {
                return 200;
            }
        };
    }

    @BeforeEach
    void start() {
        voltage = new VoltageProtocol(config(), store);
        voltage.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents));
        voltage.bindDriver(board, Map.of(VoltageDriver.DRIVER_KEY, "board", "service.id", 10L));
    }

    @AfterEach
    void stop() throws InterruptedException {
        voltage.deactivate();
    }

    @Test
    void attributesAndNames() {
        assertEquals(0x20001, voltage.version());
        assertArrayEquals(words(0, 2), call(voltage, guest1, 0x1));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("vdd_cpu", 16).toArray(), call(voltage, guest1, 0x3, 0));
        assertArrayEquals(Le.bytes().u32(0).u32(1 << 31 | 1 << 30).name("vdd_io_long_sup", 16).toArray(),
                call(voltage, guest1, 0x3, 1));
        assertArrayEquals(Le.bytes().u32(0).u32(1 << 30).name("vdd_io_long_sup", 16).toArray(),
                call(voltage, noEvents, 0x3, 1), "no asynchronous set without an event channel");
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("vdd_io_long_supply_name", 64).toArray(),
                call(voltage, guest1, 0x9, 1));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(voltage, guest1, 0x3, 2));
    }

    @Test
    void levelsArePagedToTheBufferAndARangeIsOneSegment() {
        Le first = Le.bytes().u32(0).u32(31 | 9 << 16);
        MANY.subList(0, 31).forEach(first::u32);
        assertArrayEquals(first.toArray(), call(voltage, guest1, 0x4, 0, 0));
        Le rest = Le.bytes().u32(0).u32(9);
        MANY.subList(31, 40).forEach(rest::u32);
        assertArrayEquals(rest.toArray(), call(voltage, guest1, 0x4, 0, 31));
        assertArrayEquals(words(0, 2 | 37 << 16, MANY.get(1), MANY.get(2)), callWithRoom(voltage, guest1, 12, 0x4, 0, 1));
        assertArrayEquals(words(OUT_OF_RANGE), call(voltage, guest1, 0x4, 0, 40));
        assertArrayEquals(words(0, 3 | 1 << 12, 1_800_000, 3_300_000, 100_000), call(voltage, guest1, 0x4, 1, 0));
        assertArrayEquals(words(OUT_OF_RANGE), call(voltage, guest1, 0x4, 1, 1));
    }

    @Test
    void configModesAndTheirErrors() {
        assertArrayEquals(words(0, 7), call(voltage, guest1, 0x6, 0));
        assertArrayEquals(words(INVALID), call(voltage, guest1, 0x5, 0, 0x17));
        assertArrayEquals(words(INVALID), call(voltage, guest1, 0x5, 0, 0x3));
        assertArrayEquals(words(NOT_SUPPORTED), call(voltage, guest1, 0x5, 0, 0x8));
        assertEquals(List.of(), board.calls);
        assertArrayEquals(words(0), call(voltage, guest1, 0x5, 0, 0));
        assertArrayEquals(words(0, 0), call(voltage, guest1, 0x6, 0));
        assertEquals(List.of("cpu off"), board.calls);
    }

    @Test
    void onWhileAnyAgentVotesOnAndEachReadsItsOwnVote() {
        call(voltage, guest1, 0x5, 0, 7);
        call(voltage, guest2, 0x5, 0, 0);
        assertEquals(List.of(), board.calls, "guest 1 keeps it on");
        assertArrayEquals(words(0, 0), call(voltage, guest2, 0x6, 0), "guest 2 reads its own vote");
        assertArrayEquals(words(0, 7), call(voltage, guest1, 0x6, 0));
        voltage.resetAgent(1);
        assertEquals(List.of("cpu off"), board.calls, "guest 1's vote withdrawn");
    }

    @Test
    void theHighestRequestedLevelWinsAndAgentsReadTheRealLevel() {
        assertArrayEquals(words(0), call(voltage, guest1, 0x7, 0, 0, MANY.get(10)));
        assertArrayEquals(words(0), call(voltage, guest2, 0x7, 0, 0, MANY.get(5)));
        assertArrayEquals(words(0, MANY.get(10)), call(voltage, guest2, 0x8, 0));
        voltage.resetAgent(1);
        assertArrayEquals(words(0, MANY.get(5)), call(voltage, guest2, 0x8, 0));
        voltage.resetAgent(2);
        assertArrayEquals(words(0, MANY.get(0)), call(voltage, guest2, 0x8, 0), "back to the level before the votes");
    }

    @Test
    void levelSetErrors() {
        assertArrayEquals(words(INVALID), call(voltage, guest1, 0x7, 1, 2, 1_800_000));
        assertArrayEquals(words(OUT_OF_RANGE), call(voltage, guest1, 0x7, 1, 0, 1_850_000));
        assertArrayEquals(words(OUT_OF_RANGE), call(voltage, guest1, 0x7, 1, 0, 3_400_000));
        assertArrayEquals(words(NOT_SUPPORTED), call(voltage, guest1, 0x7, 0, 1, MANY.get(1)));
        assertArrayEquals(words(NOT_SUPPORTED), call(voltage, noEvents, 0x7, 1, 1, 1_800_000));
        assertEquals(List.of(), board.calls);
    }

    @Test
    void asynchronousLevelSetCompletesWithTheDomainAndItsLevel() throws Exception {
        board.hardware.hold();
        assertArrayEquals(words(0), call(voltage, guest1, 0x7, 1, 1, 2_500_000));
        assertEquals(List.of(), guest1.drain());
        board.hardware.release();
        FakeAgent.Event done = guest1.await();
        assertEquals(0x17 << 10 | 2 << 8 | 0x7 | Dispatch.TOKEN << 18, done.header());
        assertArrayEquals(words(0, 1, 2_500_000), done.payload());
    }

    @Test
    void aFailedAsynchronousLevelSetReportsTheStatusAndKeepsNoVote() throws Exception {
        board.hardware.fail(ScmiStatus.HARDWARE_ERROR);
        assertArrayEquals(words(0), call(voltage, guest1, 0x7, 1, 1, 2_500_000));
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), guest1.await().payload(), "the status alone");
        assertArrayEquals(words(0, 1_800_000), call(voltage, guest1, 0x8, 1));
        assertEquals(List.of(), board.calls);
    }

    /** A keyed driver being updated keeps its domains' ids and the agents' votes; commands wait for it. */
    @Test
    void anAbsentDriverIsWaitedForThenHardwareError() {
        call(voltage, guest1, 0x5, 0, 0);
        voltage.unbindDriver(board);
        assertArrayEquals(words(0, 2), call(voltage, guest1, 0x1), "the domains keep their ids");
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), call(voltage, guest1, 0x8, 0));
        assertArrayEquals(words(ScmiStatus.HARDWARE_ERROR.code()), call(voltage, guest1, 0x5, 0, 7));
        voltage.bindDriver(board, Map.of(VoltageDriver.DRIVER_KEY, "board", "service.id", 11L));
        assertArrayEquals(words(0, 0), call(voltage, guest1, 0x6, 0), "guest 1 still reads its vote");
        assertEquals(List.of("cpu off"), board.calls);
    }

    @Test
    void aPlatformChangeOverridesEveryVote() {
        call(voltage, guest1, 0x5, 0, 0);
        board.platformSwitches("cpu", true);
        assertArrayEquals(words(0, 7), call(voltage, guest1, 0x6, 0), "guest 1 reads the platform's state again");
    }

    @Test
    void anAgentSeesOnlyTheDomainsItsProfileListsUnderItsOwnIds() throws Exception {
        FakeAgent io = new FakeAgent(4, "io", true, Views.listing(ResourceKind.VOLTAGE_DOMAINS, "vdd_io_long_supply_name"));
        voltage.bindAgentDirectory(new FakeDirectory(guest1, guest2, noEvents, io));
        assertArrayEquals(words(0, 1), call(voltage, io, 0x1));
        assertArrayEquals(Le.bytes().u32(0).u32(0).name("vdd_io_long_supply_name", 64).toArray(), call(voltage, io, 0x9, 0));
        for (int message : new int[] {0x3, 0x6, 0x8, 0x9}) {
            assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(voltage, io, message, 1),
                    "message " + message + " of a hidden domain");
        }
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(voltage, io, 0x4, 1, 0));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(voltage, io, 0x5, 1, 0));
        assertArrayEquals(words(ScmiStatus.NOT_FOUND.code()), call(voltage, io, 0x7, 1, 0, MANY.get(1)));
        assertEquals(List.of(), board.calls);

        assertArrayEquals(words(0), call(voltage, io, 0x7, 0, 1, 2_500_000));
        assertArrayEquals(words(0, 0, 2_500_000), io.await().payload(), "the delayed response names its own domain 0");
        assertEquals(List.of("vdd_io_long_supply_name"), voltage.resources(io).stream().map(r -> r.name()).toList());
        assertEquals(2, voltage.resources().size());
    }

    @Test
    void theShellSeesEachAgentsVotes() {
        call(voltage, guest1, 0x5, 0, 7);
        call(voltage, guest1, 0x7, 0, 0, MANY.get(3));
        call(voltage, guest2, 0x7, 0, 0, MANY.get(2));
        assertEquals(List.of(new ResourceVotes(new BoardResource(ResourceKind.VOLTAGE_DOMAINS, "vdd_cpu", "board/cpu"),
                "on, " + MANY.get(3) + " uV", Map.of(1, "on, " + MANY.get(3) + " uV", 2, MANY.get(2) + " uV"))),
                voltage.votes());
    }
}
