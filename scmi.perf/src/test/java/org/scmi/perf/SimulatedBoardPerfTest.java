package org.scmi.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Le.words;

import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.perf.PerfDriver;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.board.sim.perf.PerfCommands;
import org.scmi.board.sim.perf.SimulatedPerfDomains;
import org.scmi.board.sim.testing.BoardFileConfigs;
import org.scmi.core.AgentStates;

/** The performance protocol over the built-in simulated board, as a guest probing it sees it. */
class SimulatedBoardPerfTest {
    private static final int LIMITS_CHANGED_HEADER = 0x0000_4F00;
    private static final int LEVEL_CHANGED_HEADER = 0x0000_4F01;
    private static final int BIG = 1;
    private final AgentStates store = new AgentStates();
    private final FakeAgent guest = new FakeAgent(1, true);
    private SimulatedPerfDomains board;
    private PerfProtocol perf;

    @BeforeEach
    void start() throws Exception {
        board = new SimulatedPerfDomains(BoardFileConfigs.builtIn(), store);
        perf = new PerfProtocol(PerfProtocolTest.config(2000), store);
        perf.bindAgentDirectory(new FakeDirectory(guest));
        perf.bindDriver(board, Map.of(PerfDriver.DRIVER_KEY, "sim", "service.id", 1L));
    }

    @Test
    void guestSeesTwoClustersAndAGpuWithTheirLevels() {
        assertArrayEquals(words(0, 3 | 1 << 17, 0, 0, 0), call(perf, guest, 0x1));
        assertArrayEquals(Le.bytes().u32(0).u32(0xF000_0000).u32(1000).u32(2_000_000).u32(2_000_000)
                .name("cpu_big", 16).toArray(), call(perf, guest, 0x3, BIG));
        Le levels = Le.bytes().u32(0).u32(5);
        int[][] big = {{600_000, 250_000}, {1_000_000, 450_000}, {1_400_000, 750_000}, {1_800_000, 1_200_000},
            {2_000_000, 1_500_000}};
        for (int i = 0; i < big.length; i++) {
            levels.u32(big[i][0]).u32(big[i][1]).u32(300).u32(big[i][0]).u32(i);
        }
        assertArrayEquals(levels.toArray(), call(perf, guest, 0x4, BIG, 0));
        assertArrayEquals(words(0, 1_400_000), call(perf, guest, 0x8, BIG));
    }

    /** The shell narrows the platform's limits: the guest hears it from agent 0, and its level moves back after. */
    @Test
    void shellLimitsAreNotifiedFromThePlatform() throws InterruptedException {
        call(perf, guest, 0x9, BIG, 1);
        call(perf, guest, 0xA, BIG, 1);
        call(perf, guest, 0x7, BIG, 1_800_000);
        assertEvent(LEVEL_CHANGED_HEADER, words(1, BIG, 1_800_000));
        PerfCommands shell = new PerfCommands(board);
        assertEquals("cpu_big limits 1000000..600000, level 1000000", shell.perfLimits("big", 1_000_000, 600_000));
        assertEvent(LEVEL_CHANGED_HEADER, words(0, BIG, 1_000_000));
        assertEvent(LIMITS_CHANGED_HEADER, words(0, BIG, 1_000_000, 600_000));
        assertEquals("cpu_big limits 2000000..600000, level 1800000", shell.perfLimits("big", 2_000_000, 600_000));
        assertEvent(LIMITS_CHANGED_HEADER, words(0, BIG, 2_000_000, 600_000));
        assertEvent(LEVEL_CHANGED_HEADER, words(0, BIG, 1_800_000));
        assertArrayEquals(words(0, 1_800_000), call(perf, guest, 0x8, BIG));
    }

    private void assertEvent(int header, byte[] payload) throws InterruptedException {
        FakeAgent.Event event = guest.await();
        assertEquals(Integer.toHexString(header), Integer.toHexString(event.header()));
        assertEquals(HexFormat.of().formatHex(payload), HexFormat.of().formatHex(event.payload()));
    }
}
