package org.scmi.board.sim.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.board.sim.testing.BoardFileConfigs.builtIn;
import static org.scmi.board.sim.testing.BoardFileConfigs.file;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.reset.ResetDomain;
import org.scmi.api.reset.ResetStates;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.core.AgentStates;

class SimulatedResetsTest {
    private final AgentStates store = new AgentStates();

    private static List<SimulatedReset> parse(String resetDomains) throws BoardFileException {
        return ResetBoardParser.parse(BoardFile.parse("board.json",
                new StringReader("{\"resetDomains\": " + resetDomains + "}")));
    }

    private static String failure(String resetDomains) {
        return assertThrows(BoardFileException.class, () -> parse(resetDomains)).getMessage();
    }

    @Test
    void builtInBoardHasThreeLines() throws Exception {
        SimulatedResets board = new SimulatedResets(builtIn(), store);
        assertEquals(List.of(
                new ResetDomain("rtc", "rtc_rst", 10, false, Set.of()),
                new ResetDomain("gpu", "gpu_rst", 500, true, Set.of()),
                new ResetDomain("dsp", "dsp_subsystem_reset", ResetDomain.UNKNOWN_LATENCY, false, Set.of(1))),
                board.domains());
        assertTrue(board.asserted("rtc"));
        assertFalse(board.asserted("gpu"));
        assertEquals(50, board.find("gpu_rst").orElseThrow().delay().toMillis());
    }

    @Test
    void defaultsFillWhatAnEntryLeavesOut() throws Exception {
        SimulatedReset line = parse("[{\"name\": \"a_rst\"}]").getFirst();
        assertEquals(new ResetDomain("a_rst", "a_rst", ResetDomain.UNKNOWN_LATENCY, false, Set.of()), line.domain());
        assertEquals(0, line.delay().toMillis());
        assertFalse(line.asserted());
        assertEquals(0, line.resets());
    }

    @Test
    void configuredFileReplacesTheBuiltInBoard(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("board.json"),
                "{\"resetDomains\": [{\"name\": \"isp_rst\", \"latencyUs\": 0}], \"clocks\": []}");
        SimulatedResets board = new SimulatedResets(file(json.toString()), store);
        assertEquals(List.of(new ResetDomain("isp_rst", "isp_rst", 0, false, Set.of())), board.domains());
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("board.json: resetDomains[1].name: \"a\" names another reset domain too",
                failure("[{\"name\": \"a\"}, {\"name\": \"a\", \"key\": \"b\"}]"));
        assertEquals("board.json: resetDomains[1].key: \"a\" is the key of another reset domain too",
                failure("[{\"name\": \"a\"}, {\"name\": \"b\", \"key\": \"a\"}]"));
        assertEquals("board.json: resetDomains[0].name: missing", failure("[{\"key\": \"a\"}]"));
        assertEquals("board.json: resetDomains[0].latencyUs: expected a whole number in 0..2147483647, found -5",
                failure("[{\"name\": \"a\", \"latencyUs\": -5}]"));
        assertEquals("board.json: resetDomains[0].vendorStates[1]: expected a whole number in 0..2147483647, "
                + "found 2147483648", failure("[{\"name\": \"a\", \"vendorStates\": [1, 2147483648]}]"));
        assertEquals("board.json: resetDomains[0].asserted: expected true or false, found \"yes\"",
                failure("[{\"name\": \"a\", \"asserted\": \"yes\"}]"));
        assertEquals("board.json: resetDomains[0].delayMs: expected a whole number in 0..60000, found 60001",
                failure("[{\"name\": \"a\", \"delayMs\": 60001}]"));
        assertTrue(failure("[{\"name\": \"a\", \"latency\": 5}]")
                .startsWith("board.json: resetDomains[0].latency: unknown field (known: "));
        assertEquals("board.json: resetDomains[0]: expected an object, found \"a\"", failure("[\"a\"]"));
    }

    @Test
    void anAutonomousResetTakesTheConfiguredDelayAndEndsReleased() throws Exception {
        SimulatedResets board = new SimulatedResets(parse("[{\"name\": \"a\", \"delayMs\": 120, \"asserted\": true}]"),
                store);
        long start = System.nanoTime();
        board.reset("a", ResetStates.ARCHITECTURAL_COLD);
        assertTrue(System.nanoTime() - start >= 120_000_000L);
        assertFalse(board.asserted("a"));
        assertEquals(1, board.find("a").orElseThrow().resets());
        board.setAsserted("a", true, ResetStates.ARCHITECTURAL_COLD);
        assertTrue(board.asserted("a"));
        assertEquals(ScmiStatus.NOT_FOUND, assertThrows(ScmiException.class, () -> board.asserted("b")).status());
        assertEquals(ScmiStatus.NOT_FOUND,
                assertThrows(ScmiException.class, () -> board.reset("b", ResetStates.ARCHITECTURAL_COLD)).status());
    }

    @Test
    void shellResetsReachTheListener() throws Exception {
        SimulatedResets board = new SimulatedResets(builtIn(), store);
        List<String> heard = new ArrayList<>();
        board.addListener((domainKey, resetState) -> heard.add(domainKey + " reset 0x" + Integer.toHexString(resetState)));
        ResetCommands shell = new ResetCommands(board);
        assertEquals("rtc_rst went through reset 1", shell.resetDomain("rtc"));
        assertEquals("dsp_subsystem_reset went through reset 1", shell.resetDomain("dsp_subsystem_reset"));
        assertEquals("rtc_rst went through reset 2", shell.resetDomain("rtc_rst"));
        assertEquals("no simulated reset domain 'npu'; type 'resetDomains' to list them", shell.resetDomain("npu"));
        assertEquals(List.of("rtc reset 0x0", "dsp reset 0x0", "rtc reset 0x0"), heard);
        assertFalse(board.asserted("rtc"), "a reset ends with the line released");

        String table = shell.resetDomains();
        assertTrue(table.lines().anyMatch(line -> line.matches("rtc +rtc_rst +no +2 +10 us +no +0 ms")), table);
        assertTrue(table.lines().anyMatch(line -> line.matches("gpu +gpu_rst +no +0 +500 us +yes +50 ms")), table);
        assertTrue(table.lines().anyMatch(line -> line.matches("dsp +dsp_subsystem_reset +no +1 +unknown +no +0 ms")),
                table);
    }

    @Test
    void linesOutliveTheBundleButNotTheBoard() throws Exception {
        SimulatedResets board = new SimulatedResets(builtIn(), store);
        board.setAsserted("gpu", true, ResetStates.ARCHITECTURAL_COLD);
        new ResetCommands(board).resetDomain("rtc");

        SimulatedResets updated = new SimulatedResets(builtIn(), store);
        assertTrue(updated.asserted("gpu"));
        assertFalse(updated.asserted("rtc"), "released by the platform's reset");
        assertEquals(1, updated.find("rtc").orElseThrow().resets());
        assertEquals(0, updated.find("dsp").orElseThrow().resets());

        SimulatedResets otherBoard = new SimulatedResets(parse("[{\"name\": \"gpu_rst\", \"key\": \"gpu\"}]"), store);
        assertFalse(otherBoard.asserted("gpu"), "another board starts from its file");
    }
}
