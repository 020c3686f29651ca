package org.scmi.board.sim.voltage;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.voltage.VoltageDomain;
import org.scmi.api.voltage.VoltageLevels;
import org.scmi.api.voltage.VoltageListener;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.core.AgentStates;

class SimulatedVoltagesTest {
    private final AgentStates store = new AgentStates();

    private static List<SimulatedSupply> parse(String voltageDomains) throws BoardFileException {
        return VoltageBoardParser.parse(BoardFile.parse("board.json",
                new StringReader("{\"voltageDomains\": " + voltageDomains + "}")));
    }

    private static String failure(String voltageDomains) {
        return assertThrows(BoardFileException.class, () -> parse(voltageDomains)).getMessage();
    }

    @Test
    void builtInBoardHasAListAndARange() throws Exception {
        SimulatedVoltages board = new SimulatedVoltages(builtIn(), store);
        assertEquals(List.of(
                new VoltageDomain("cpu", "vdd_cpu",
                        new VoltageLevels.Discrete(List.of(800_000, 900_000, 1_000_000, 1_100_000)), false),
                new VoltageDomain("io", "vdd_io", new VoltageLevels.Range(1_800_000, 3_300_000, 100_000), true)),
                board.domains());
        assertEquals(900_000, board.level("cpu"));
        assertTrue(board.on("cpu"));
        assertEquals(3_300_000, board.level("io"));
        assertFalse(board.on("io"));
        assertEquals(20, board.find("vdd_io").orElseThrow().delay().toMillis());
    }

    @Test
    void defaultsFillWhatAnEntryLeavesOut() throws Exception {
        SimulatedSupply supply = parse("[{\"name\": \"vdd_a\", \"range\": {\"low\": 500, \"high\": 900, \"step\": 100}}]")
                .getFirst();
        assertEquals(new VoltageDomain("vdd_a", "vdd_a", new VoltageLevels.Range(500, 900, 100), false),
                supply.domain());
        assertEquals(500, supply.level(), "the lowest level");
        assertTrue(supply.on());
        assertEquals(0, supply.delay().toMillis());
    }

    @Test
    void configuredFileReplacesTheBuiltInBoard(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("board.json"),
                "{\"voltageDomains\": [{\"name\": \"vdd_isp\", \"levels\": [750000], \"on\": false}], \"clocks\": []}");
        SimulatedVoltages board = new SimulatedVoltages(file(json.toString()), store);
        assertEquals(List.of(new VoltageDomain("vdd_isp", "vdd_isp", new VoltageLevels.Discrete(List.of(750_000)),
                false)), board.domains());
        assertEquals(750_000, board.level("vdd_isp"));
        assertFalse(board.on("vdd_isp"));
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("board.json: voltageDomains[1].name: \"a\" names another voltage domain too",
                failure("[{\"name\": \"a\", \"levels\": [1]}, {\"name\": \"a\", \"key\": \"b\", \"levels\": [1]}]"));
        assertEquals("board.json: voltageDomains[1].key: \"a\" is the key of another voltage domain too",
                failure("[{\"name\": \"a\", \"levels\": [1]}, {\"name\": \"b\", \"key\": \"a\", \"levels\": [1]}]"));
        assertEquals("board.json: voltageDomains[0]: give either \"levels\" or \"range\"",
                failure("[{\"name\": \"a\"}]"));
        assertEquals("board.json: voltageDomains[0]: give either \"levels\" or \"range\"",
                failure("[{\"name\": \"a\", \"levels\": [1], \"range\": {\"low\": 1, \"high\": 1, \"step\": 1}}]"));
        assertEquals("board.json: voltageDomains[0].levels: levels must be strictly ascending: [900000, 800000]",
                failure("[{\"name\": \"a\", \"levels\": [900000, 800000]}]"));
        assertEquals("board.json: voltageDomains[0].levels: a voltage domain needs at least one level",
                failure("[{\"name\": \"a\", \"levels\": []}]"));
        assertEquals("board.json: voltageDomains[0].range: range needs low <= high and a positive step dividing "
                + "high - low: 1800000..3300000 step 200000",
                failure("[{\"name\": \"a\", \"range\": {\"low\": 1800000, \"high\": 3300000, \"step\": 200000}}]"));
        assertEquals("board.json: voltageDomains[0].range.step: expected a whole number in 1..2147483647, found 0",
                failure("[{\"name\": \"a\", \"range\": {\"low\": 1, \"high\": 1, \"step\": 0}}]"));
        assertEquals("board.json: voltageDomains[0].range.steps: unknown field (known: high, low, step)",
                failure("[{\"name\": \"a\", \"range\": {\"low\": 1, \"high\": 1, \"steps\": 1}}]"));
        assertEquals("board.json: voltageDomains[0].level: 850000 is not one of the domain's levels",
                failure("[{\"name\": \"a\", \"levels\": [800000, 900000], \"level\": 850000}]"));
        assertEquals("board.json: voltageDomains[0].levels[1]: expected a whole number in -2147483648..2147483647, "
                + "found 0.5", failure("[{\"name\": \"a\", \"levels\": [0, 0.5]}]"));
        assertTrue(failure("[{\"name\": \"a\", \"levels\": [1], \"delay\": 5}]")
                .startsWith("board.json: voltageDomains[0].delay: unknown field (known: "));
    }

    @Test
    void aLevelChangeTakesTheConfiguredDelay() throws Exception {
        SimulatedVoltages board = new SimulatedVoltages(parse("[{\"name\": \"a\", \"levels\": [1, 2], "
                + "\"delayMs\": 120}]"), store);
        long start = System.nanoTime();
        board.setLevel("a", 2);
        assertTrue(System.nanoTime() - start >= 120_000_000L);
        assertEquals(2, board.level("a"));
        board.setOn("a", false);
        assertFalse(board.on("a"));
        assertEquals(ScmiStatus.NOT_FOUND, assertThrows(ScmiException.class, () -> board.level("b")).status());
        assertEquals(ScmiStatus.NOT_FOUND, assertThrows(ScmiException.class, () -> board.setOn("b", true)).status());
    }

    @Test
    void shellChangesReachTheListener() throws Exception {
        SimulatedVoltages board = new SimulatedVoltages(builtIn(), store);
        List<String> heard = new ArrayList<>();
        board.addListener(new VoltageListener() {
            @Override
            public void levelChanged(String domainKey, int microvolts) {
                heard.add(domainKey + "=" + microvolts);
            }

            @Override
            public void onChanged(String domainKey, boolean on) {
                heard.add(domainKey + (on ? " on" : " off"));
            }
        });
        VoltageCommands shell = new VoltageCommands(board);
        assertEquals("vdd_cpu is now at 1000000 uV", shell.voltageLevel("vdd_cpu", 1_000_000));
        assertEquals("vdd_io is now at 2500000 uV", shell.voltageLevel("io", 2_500_000));
        assertEquals("vdd_cpu cannot be set to 950000 uV; its levels: [800000, 900000, 1000000, 1100000]",
                shell.voltageLevel("cpu", 950_000));
        assertEquals("vdd_io cannot be set to 2550000 uV; its levels: 1800000..3300000 step 100000",
                shell.voltageLevel("io", 2_550_000));
        assertEquals("no simulated voltage domain 'npu'; type 'voltages' to list them", shell.voltageLevel("npu", 1));
        assertEquals("vdd_io is now on", shell.voltageOn("vdd_io", "on"));
        assertEquals("expected on or off, found 'half'", shell.voltageOn("io", "half"));
        assertEquals("no simulated voltage domain 'npu'; type 'voltages' to list them", shell.voltageOn("npu", "on"));
        assertEquals(List.of("cpu=1000000", "io=2500000", "io on"), heard);

        String table = shell.voltages();
        assertTrue(table.lines().anyMatch(line -> line.matches(
                "cpu +vdd_cpu +1000000 +yes +no +0 ms +\\[800000, 900000, 1000000, 1100000]")), table);
        assertTrue(table.lines().anyMatch(line -> line.matches(
                "io +vdd_io +2500000 +yes +yes +20 ms +1800000\\.\\.3300000 step 100000")), table);
    }

    @Test
    void levelsAndStatesOutliveTheBundleButNotTheBoard() throws Exception {
        SimulatedVoltages board = new SimulatedVoltages(builtIn(), store);
        board.setLevel("cpu", 1_100_000);
        board.setOn("cpu", false);
        new VoltageCommands(board).voltageOn("io", "on");

        SimulatedVoltages updated = new SimulatedVoltages(builtIn(), store);
        assertEquals(1_100_000, updated.level("cpu"));
        assertFalse(updated.on("cpu"));
        assertTrue(updated.on("io"), "a platform change is hardware state too");
        assertEquals(3_300_000, updated.level("io"));

        SimulatedVoltages otherBoard = new SimulatedVoltages(parse("[{\"name\": \"vdd_cpu\", \"key\": \"cpu\", "
                + "\"levels\": [800000, 1100000], \"level\": 800000}]"), store);
        assertEquals(800_000, otherBoard.level("cpu"), "another board starts from its file");
        assertTrue(otherBoard.on("cpu"));
    }
}
