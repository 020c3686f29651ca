package org.scmi.clock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.api.testing.Dispatch.call;
import static org.scmi.api.testing.Le.words;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.clock.ClockDriver;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.board.sim.clock.ClockCommands;
import org.scmi.board.sim.clock.SimulatedClocks;
import org.scmi.board.sim.testing.BoardFileConfigs;
import org.scmi.core.AgentStates;

/** The clock protocol over the built-in simulated board, as a guest probing it sees it. */
class SimulatedBoardClockTest {
    private final AgentStates store = new AgentStates();
    private static final int RATE_SET_DELAYED_HEADER = 0x00A8_5205;
    private static final int RATE_CHANGED_HEADER = 0x0000_5300;
    private static final int GPU_CLK = 3;

    private final FakeAgent guest = new FakeAgent(1, true);
    private SimulatedClocks board;
    private ClockProtocol clock;

    @BeforeEach
    void start() throws Exception {
        board = new SimulatedClocks(BoardFileConfigs.builtIn(), store);
        clock = new ClockProtocol(ClockProtocolTest.config(8, 1500), store);
        clock.bindAgentDirectory(new FakeDirectory(guest));
        clock.bindDriver(board, Map.of(ClockDriver.DRIVER_KEY, "sim", "service.id", 1L));
    }

    @AfterEach
    void stop() throws InterruptedException {
        clock.deactivate();
    }

    @Test
    void guestSeesFiveUniquelyNamedClocksAndAsyncSupport() {
        assertArrayEquals(words(0, 5 | 8 << 16), call(clock, guest, 0x1));
        List<String> names = IntStream.range(0, 5).mapToObj(id -> new String(call(clock, guest, 0x8, id), 8, 64,
                StandardCharsets.US_ASCII).replace("\0", "")).toList();
        assertEquals(List.of("osc_24m", "sys_pll", "cpu_clk", "gpu_clk", "uart_clk"), names);
        assertArrayEquals(Le.bytes().u32(0).u32(0xC000_0003).name("osc_24m", 16).u32(0).toArray(),
                call(clock, guest, 0x3, 0), "fixed, running oscillator");
        assertArrayEquals(Le.bytes().u32(0).u32(0xD000_0003).name("uart_clk", 16).u32(0).toArray(),
                call(clock, guest, 0x3, 4), "running mux, rate not agents' to change");
        assertArrayEquals(words(0, 2, 0, 1), call(clock, guest, 0xC, 4, 0));
        assertArrayEquals(words(0, 0xC000_0000), call(clock, guest, 0xF, 4));
        assertArrayEquals(words(0, 3 | 1 << 12, 200_000_000, 0, 800_000_000, 0, 50_000_000, 0),
                call(clock, guest, 0x4, GPU_CLK, 0));
    }

    @Test
    void slowClockCompletesAsynchronouslyWithinTheLinuxDeadline() throws InterruptedException {
        long start = System.nanoTime();
        assertArrayEquals(words(0), call(clock, guest, 0x5, 1, GPU_CLK, 600_000_000, 0));
        assertEquals(List.of(), guest.drain(), "the simulated gpu_clk takes 200 ms");
        FakeAgent.Event done = guest.await();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(RATE_SET_DELAYED_HEADER, done.header());
        assertArrayEquals(words(0, GPU_CLK, 600_000_000, 0), done.payload());
        assertEquals(true, millis >= 200 && millis < 2000, "completed after " + millis + " ms");
        assertArrayEquals(words(0, 600_000_000, 0), call(clock, guest, 0x6, GPU_CLK));
    }

    @Test
    void shellRateChangeIsNotifiedFromThePlatform() throws InterruptedException {
        call(clock, guest, 0x9, 2, 1);
        new ClockCommands(board).clockRate("cpu_clk", 800_000_000);
        FakeAgent.Event event = guest.await();
        assertEquals(RATE_CHANGED_HEADER, event.header());
        assertArrayEquals(words(0, 2, 800_000_000, 0), event.payload());
        int rate = ByteBuffer.wrap(call(clock, guest, 0x6, 2)).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        assertEquals(800_000_000, rate);
    }
}
