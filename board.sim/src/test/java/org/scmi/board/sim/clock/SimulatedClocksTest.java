package org.scmi.board.sim.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.board.sim.testing.BoardFileConfigs.builtIn;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockControl;
import org.scmi.api.clock.ClockListener;
import org.scmi.api.clock.ClockRates;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.core.AgentStates;

class SimulatedClocksTest {
    private final AgentStates store = new AgentStates();
    private static final Set<ClockControl> ALL = EnumSet.allOf(ClockControl.class);

    private static List<SimulatedClock> parse(String clocks) throws BoardFileException {
        return ClockBoardParser.parse(BoardFile.parse("board.json", new StringReader("{\"clocks\": " + clocks + "}")));
    }

    private static String failure(String clocks) {
        return assertThrows(BoardFileException.class, () -> parse(clocks)).getMessage();
    }

    @Test
    void builtInBoardHasDiscreteRangeAndMuxClocks() throws Exception {
        SimulatedClocks board = new SimulatedClocks(builtIn(), store);
        List<Clock> clocks = board.clocks();
        assertEquals(List.of("osc_24m", "sys_pll", "cpu_clk", "gpu_clk", "uart_clk"),
                clocks.stream().map(Clock::name).toList());
        assertEquals(new Clock("gpu", "gpu_clk", new ClockRates.Range(200_000_000, 800_000_000, 50_000_000),
                List.of(), ALL, 0, 200), clocks.get(3));
        assertEquals(new Clock("uart", "uart_clk", new ClockRates.Discrete(List.of(24_000_000L, 48_000_000L)),
                List.of("osc", "pll"), EnumSet.of(ClockControl.STATE, ClockControl.PARENT), 0, 0), clocks.get(4));
        assertEquals(1_200_000_000L, board.rate("cpu"));
        assertTrue(board.enabled("cpu"));
        assertEquals("osc", board.parent("uart"));
        assertNull(board.parent("cpu"));
    }

    @Test
    void defaultsFillWhatAnEntryLeavesOut() throws Exception {
        SimulatedClock clock = parse("[{\"name\": \"a_clk\", \"rates\": [5, 10]}]").getFirst();
        assertEquals(new Clock("a_clk", "a_clk", new ClockRates.Discrete(List.of(5L, 10L)), List.of(), ALL, 0, 0),
                clock.clock());
        assertEquals(5, clock.rate());
        assertEquals(false, clock.enabled());
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("board.json: clocks[1].name: \"a\" names another clock too; Linux needs clock names unique",
                failure("[{\"name\": \"a\", \"rates\": [1]}, {\"name\": \"a\", \"key\": \"b\", \"rates\": [1]}]"));
        assertEquals("board.json: clocks[0].rates: rates must be positive and strictly ascending: [2, 1]",
                failure("[{\"name\": \"a\", \"rates\": [2, 1]}]"));
        assertEquals("board.json: clocks[0]: needs exactly one of \"rates\" (a list) and \"range\" (min, max, step)",
                failure("[{\"name\": \"a\"}]"));
        assertEquals("board.json: clocks[0].range: range needs 0 < min <= max and a step dividing max - min: "
                + "10..25 step 10", failure("[{\"name\": \"a\", \"range\": {\"min\": 10, \"max\": 25, \"step\": 10}}]"));
        assertEquals("board.json: clocks[0].range.steps: unknown field (known: max, min, step)",
                failure("[{\"name\": \"a\", \"range\": {\"min\": 10, \"max\": 20, \"steps\": 10}}]"));
        assertEquals("board.json: clocks[0].rate: 7 Hz is not one of the clock's rates",
                failure("[{\"name\": \"a\", \"rates\": [5, 10], \"rate\": 7}]"));
        assertEquals("board.json: clocks[0].parents: \"pll\" is not the key of another clock",
                failure("[{\"name\": \"a\", \"rates\": [1], \"parents\": [\"pll\"]}]"));
        assertEquals("board.json: clocks[1].parent: \"c\" is not one of \"parents\"",
                failure("[{\"name\": \"a\", \"rates\": [1]}, {\"name\": \"b\", \"rates\": [1], \"parents\": [\"a\"],"
                        + " \"parent\": \"c\"}]"));
        assertEquals("board.json: clocks[0].controls: \"speed\" is none of state, parent, rate",
                failure("[{\"name\": \"a\", \"rates\": [1], \"controls\": [\"speed\"]}]"));
        assertEquals("board.json: clocks[0].delayMs: expected a whole number in 0..60000, found 61000",
                failure("[{\"name\": \"a\", \"rates\": [1], \"delayMs\": 61000}]"));
    }

    @Test
    void aRateChangeTakesTheConfiguredDelay() throws Exception {
        SimulatedClocks board = new SimulatedClocks(parse("[{\"name\": \"a\", \"rates\": [1, 2], \"delayMs\": 120}]"),
                store);
        long start = System.nanoTime();
        board.setRate("a", 2);
        assertTrue(System.nanoTime() - start >= 120_000_000L);
        assertEquals(2, board.rate("a"));
    }

    @Test
    void shellRateChangesReachTheListener() throws Exception {
        SimulatedClocks board = new SimulatedClocks(builtIn(), store);
        List<String> heard = new ArrayList<>();
        board.addListener(new ClockListener() {
            @Override
            public void rateChanged(String clockKey, long rate) {
                heard.add(clockKey + "=" + rate);
            }

            @Override
            public void rateChangeRequested(String clockKey, long rate) {
                heard.add(clockKey + " requested " + rate);
            }
        });
        ClockCommands shell = new ClockCommands(board);
        assertEquals("gpu_clk now runs at 250000000 Hz", shell.clockRate("gpu_clk", 250_000_000));
        assertEquals("cpu_clk now runs at 600000000 Hz", shell.clockRate("cpu", 600_000_000));
        assertEquals("gpu_clk cannot run at 260000000 Hz; its rates: 200000000..800000000 step 50000000",
                shell.clockRate("gpu", 260_000_000));
        assertEquals("no simulated clock 'npu'; type 'clocks' to list them", shell.clockRate("npu", 1));
        assertEquals(List.of("gpu=250000000", "cpu=600000000"), heard);

        String table = shell.clocks();
        assertTrue(table.lines().anyMatch(line -> line.matches("uart +uart_clk +24000000 +yes +osc +0 ms +"
                + "\\[24000000, 48000000]")), table);
    }

    @Test
    void ratesEnablesAndParentsOutliveTheBundleButNotTheBoard() throws Exception {
        SimulatedClocks board = new SimulatedClocks(builtIn(), store);
        board.setRate("cpu", 600_000_000);
        board.setEnabled("cpu", false);
        board.setParent("uart", "pll");
        new ClockCommands(board).clockRate("gpu", 250_000_000);

        SimulatedClocks updated = new SimulatedClocks(builtIn(), store);
        assertEquals(600_000_000L, updated.rate("cpu"));
        assertFalse(updated.enabled("cpu"));
        assertEquals("pll", updated.parent("uart"));
        assertEquals(250_000_000L, updated.rate("gpu"), "a platform change is hardware state too");

        SimulatedClocks otherBoard = new SimulatedClocks(parse("[{\"name\": \"cpu_clk\", \"key\": \"cpu\", "
                + "\"rates\": [600000000, 900000000], \"rate\": 900000000}]"), store);
        assertEquals(900_000_000L, otherBoard.rate("cpu"), "another board starts from its file");
    }
}
