package org.scmi.board.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.board.sim.testing.BoardFileConfigs.builtIn;

import java.io.StringReader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.perf.PerfControl;
import org.scmi.api.perf.PerfDomain;
import org.scmi.api.perf.PerfLevel;
import org.scmi.api.perf.PerfLimits;
import org.scmi.api.perf.PerfListener;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.core.AgentStates;

class SimulatedPerfDomainsTest {
    private static final String TWO_LEVELS = "\"levels\": [{\"level\": 100}, {\"level\": 200}]";
    private final AgentStates store = new AgentStates();

    private static List<SimulatedPerfDomain> parse(String domains) throws BoardFileException {
        return PerfBoardParser.parse(BoardFile.parse("board.json",
                new StringReader("{\"performanceDomains\": " + domains + "}")));
    }

    private static String failure(String domains) {
        return assertThrows(BoardFileException.class, () -> parse(domains)).getMessage();
    }

    /** Records what the board tells the protocol. */
    private static final class Heard implements PerfListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void levelChanged(String domainKey, int level) {
            calls.add(domainKey + " level " + level);
        }

        @Override
        public void limitsChanged(String domainKey, PerfLimits limits) {
            calls.add(domainKey + " limits " + limits.max() + ".." + limits.min());
        }
    }

    @Test
    void builtInBoardHasTwoClustersAndAGpu() throws Exception {
        SimulatedPerfDomains board = new SimulatedPerfDomains(builtIn(), store);
        assertEquals(List.of("little", "big", "gpu"), board.domains().stream().map(PerfDomain::key).toList());
        PerfDomain big = board.domains().get(1);
        assertEquals("cpu_big", big.name());
        assertEquals(new PerfLevel(600_000, 250_000, 300, 600_000), big.levels().getFirst());
        assertEquals(2_000_000, big.sustainedLevel(), "no boost levels: Linux keeps every level");
        assertEquals(1000, big.rateLimitMicros());
        assertEquals(java.util.Set.of(PerfControl.values()), big.controls());
        assertEquals(1_400_000, board.level("big"));
        assertEquals(new PerfLimits(2_000_000, 600_000), board.limits("big"));
        assertEquals(600_000, board.domains().get(2).sustainedLevel(), "the gpu boosts above 600 MHz");
        assertEquals(750_000, board.power("big"));
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("board.json: performanceDomains[0].levels: needs 1 to 32 levels (Linux 6.12 reads no more), found 0",
                failure("[{\"name\": \"a\", \"levels\": []}]"));
        assertEquals("board.json: performanceDomains[0]: performance domain a: levels must ascend strictly by value "
                + "and frequency", failure("[{\"name\": \"a\", \"levels\": [{\"level\": 200}, {\"level\": 100}]}]"));
        assertEquals("board.json: performanceDomains[0].levels[0].level: expected a whole number in 1..2147483647, "
                + "found 0", failure("[{\"name\": \"a\", \"levels\": [{\"level\": 0}]}]"));
        assertEquals("board.json: performanceDomains[0]: performance domain a: sustained level 150 is not one of its "
                + "levels", failure("[{\"name\": \"a\", " + TWO_LEVELS + ", \"sustainedLevel\": 150}]"));
        assertEquals("board.json: performanceDomains[0].limits: max and min must be levels of the domain, min at most "
                + "max", failure("[{\"name\": \"a\", " + TWO_LEVELS + ", \"limits\": {\"max\": 100, \"min\": 200}}]"));
        assertEquals("board.json: performanceDomains[0].level: 300 is not one of the levels within the domain's "
                + "limits", failure("[{\"name\": \"a\", " + TWO_LEVELS + ", \"level\": 300}]"));
        assertEquals("board.json: performanceDomains[0].controls: \"speed\" is neither level nor limits",
                failure("[{\"name\": \"a\", " + TWO_LEVELS + ", \"controls\": [\"speed\"]}]"));
        assertEquals("board.json: performanceDomains[1].name: \"a\" names another performance domain too",
                failure("[{\"name\": \"a\", " + TWO_LEVELS + "}, {\"name\": \"a\", \"key\": \"b\", " + TWO_LEVELS
                        + "}]"));
        assertTrue(failure("[{\"name\": \"a\", " + TWO_LEVELS + ", \"latency\": 5}]")
                .startsWith("board.json: performanceDomains[0].latency: unknown field (known: "));
    }

    @Test
    void levelsStayWithinThePlatformsLimits() throws Exception {
        SimulatedPerfDomains board = new SimulatedPerfDomains(parse("[{\"name\": \"a\", " + TWO_LEVELS
                + ", \"level\": 100, \"limits\": {\"max\": 100, \"min\": 100}}]"), store);
        assertEquals(ScmiStatus.OUT_OF_RANGE, assertThrows(ScmiException.class, () -> board.setLevel("a", 200))
                .status());
        assertEquals(ScmiStatus.OUT_OF_RANGE, assertThrows(ScmiException.class, () -> board.setLevel("a", 150))
                .status());
        assertEquals(ScmiStatus.NOT_FOUND, assertThrows(ScmiException.class, () -> board.level("b")).status());
    }

    /** Like hardware, the board moves a domain into new limits itself and reports that before the limits. */
    @Test
    void theShellActsAsThePlatform() throws Exception {
        SimulatedPerfDomains board = new SimulatedPerfDomains(builtIn(), store);
        Heard heard = new Heard();
        board.addListener(heard);
        PerfCommands shell = new PerfCommands(board);
        assertEquals("cpu_big limits 1000000..600000, level 1000000", shell.perfLimits("cpu_big", 1_000_000, 600_000));
        assertEquals("cpu_big limits 2000000..600000, level 1000000", shell.perfLimits("big", 2_000_000, 600_000));
        assertEquals("cpu_big now runs at level 1800000", shell.perfLevel("big", 1_800_000));
        assertEquals("cpu_big has no level 1700000 within its limits 2000000..600000", shell.perfLevel("big", 1_700_000));
        assertEquals("limits of cpu_big must be levels of it; its levels: [600000, 1000000, 1400000, 1800000, 2000000]",
                shell.perfLimits("big", 2_000_000, 700_000));
        assertEquals("no simulated performance domain 'npu'; type 'perfDomains' to list them", shell.perfLevel("npu", 1));
        assertEquals(List.of("big level 1000000", "big limits 1000000..600000", "big limits 2000000..600000",
                "big level 1800000"), heard.calls);

        String table = shell.perfDomains();
        assertTrue(table.lines().anyMatch(line -> line.matches(
                "big +cpu_big +1800000 +2000000\\.\\.600000 +2000000 +\\[600000, 1000000, 1400000, 1800000, 2000000]")),
                table);
    }

    /** A power capping zone's maximum lowers the platform's limits, under the administrator's minimum if need be. */
    @Test
    void capMaximaLowerThePlatformsLimits() throws Exception {
        SimulatedPerfDomains board = new SimulatedPerfDomains(builtIn(), store);
        Heard heard = new Heard();
        board.addListener(heard);
        new PerfCommands(board).perfLimits("big", 2_000_000, 1_000_000);
        board.capMaximum("big", "soc", 1_400_000);
        board.capMaximum("big", "cpu", 600_000);
        assertEquals(new PerfLimits(600_000, 600_000), board.limits("big"));
        board.capMaximum("big", "cpu", null);
        board.capMaximum("big", "soc", null);
        assertEquals(new PerfLimits(2_000_000, 1_000_000), board.limits("big"));
        assertEquals(List.of("big limits 2000000..1000000", "big limits 1400000..1000000", "big level 600000",
                "big limits 600000..600000", "big level 1000000", "big limits 1400000..1000000",
                "big limits 2000000..1000000"), heard.calls);
        assertEquals(1_000_000, board.level("big"), "back within the administrator's minimum; higher is the agents' "
                + "business");
    }

    @Test
    void levelsAndLimitsOutliveTheBundleButNotTheBoard() throws Exception {
        SimulatedPerfDomains board = new SimulatedPerfDomains(builtIn(), store);
        board.setLevel("little", 1_200_000);
        new PerfCommands(board).perfLimits("gpu", 600_000, 200_000);

        SimulatedPerfDomains updated = new SimulatedPerfDomains(builtIn(), store);
        assertEquals(1_200_000, updated.level("little"));
        assertEquals(new PerfLimits(600_000, 200_000), updated.limits("gpu"));
        assertEquals(1_400_000, updated.level("big"));

        SimulatedPerfDomains otherBoard = new SimulatedPerfDomains(parse("[{\"name\": \"cpu_little\", \"key\": "
                + "\"little\", " + TWO_LEVELS + "}]"), store);
        assertEquals(200, otherBoard.level("little"), "another board starts from its file");
    }
}
