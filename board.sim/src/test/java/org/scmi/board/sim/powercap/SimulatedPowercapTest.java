package org.scmi.board.sim.powercap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.board.sim.testing.BoardFileConfigs.builtIn;

import java.io.StringReader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.perf.PerfLimits;
import org.scmi.api.powercap.PowercapListener;
import org.scmi.api.powercap.PowercapRange;
import org.scmi.api.powercap.PowercapZone;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.perf.SimulatedPerfDomains;
import org.scmi.core.AgentStates;

class SimulatedPowercapTest {
    private static final String RANGES = "\"caps\": {\"min\": 1000, \"max\": 2000, \"step\": 100}, "
            + "\"intervals\": {\"min\": 100000, \"max\": 100000}";
    private final AgentStates store = new AgentStates();
    private final List<SimulatedPowercap> started = new CopyOnWriteArrayList<>();

    private static List<SimulatedZone> parse(String zones) throws BoardFileException {
        return PowercapBoardParser.parse(BoardFile.parse("board.json",
                new StringReader("{\"powercapZones\": " + zones + "}")), Set.of("little", "big"));
    }

    private static String failure(String zones) {
        return assertThrows(BoardFileException.class, () -> parse(zones)).getMessage();
    }

    private SimulatedPowercap builtInBoard(SimulatedPerfDomains perf) throws BoardFileException {
        SimulatedPowercap board = new SimulatedPowercap(builtIn(), store, perf);
        started.add(board);
        return board;
    }

    @AfterEach
    void stop() {
        started.forEach(SimulatedPowercap::deactivate);
    }

    @Test
    void builtInBoardHasASocAndACpuZoneInIt() throws Exception {
        SimulatedPerfDomains perf = new SimulatedPerfDomains(builtIn(), store);
        SimulatedPowercap board = builtInBoard(perf);
        assertEquals(List.of(
                new PowercapZone("soc", "soc", null, new PowercapRange(2_000_000, 12_000_000, 100_000),
                        new PowercapRange(100_000, 1_000_000, 100_000), 5_000_000, 1000, true, 20),
                new PowercapZone("cpu", "cpu_cluster", "soc", new PowercapRange(500_000, 3_000_000, 50_000),
                        new PowercapRange(100_000, 1_000_000, 100_000), 1_500_000, 1000, true, 10)), board.zones());
        assertEquals(6_000_000, board.cap("soc"));
        assertEquals(0, board.cap("cpu"));
        assertEquals(500_000, board.averagingInterval("soc"));
        // soc: its draw 0.8 W, the cpu zone's 0.15 W, little 0.2 W, big 0.75 W, gpu 0.7 W.
        assertEquals(2_600_000, board.power("soc"));
        assertEquals(150_000 + 200_000 + 750_000, board.power("cpu"));
        assertEquals(new PerfLimits(2_000_000, 600_000), perf.limits("big"), "6 W is enough for everything");
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("board.json: powercapZones[0].parent: \"soc\" is not the key of a zone listed before this one",
                failure("[{\"name\": \"a\", \"parent\": \"soc\", " + RANGES + "}]"));
        assertEquals("board.json: powercapZones[0].performanceDomains: \"gpu\" is not the key of a performance domain "
                + "of the board", failure("[{\"name\": \"a\", \"performanceDomains\": [\"gpu\"], " + RANGES + "}]"));
        assertEquals("board.json: powercapZones[0].cap: 1050 µW is not one of the zone's caps (1000..2000 step 100) "
                + "nor 0", failure("[{\"name\": \"a\", \"cap\": 1050, " + RANGES + "}]"));
        assertEquals("board.json: powercapZones[0].caps: a step dividing max - min is needed: 1000..2000 step 300",
                failure("[{\"name\": \"a\", \"caps\": {\"min\": 1000, \"max\": 2000, \"step\": 300}, "
                        + "\"intervals\": {\"min\": 1, \"max\": 1}}]"));
        assertEquals("board.json: powercapZones[0].intervals: missing", failure("[{\"name\": \"a\", "
                + "\"caps\": {\"min\": 1, \"max\": 1}}]"));
        assertTrue(failure("[{\"name\": \"a\", \"draw\": 5, " + RANGES + "}]")
                .startsWith("board.json: powercapZones[0].draw: unknown field (known: "));
    }

    /** A cap throttles the zone's domains, the hungriest first, until what they draw at most fits. */
    @Test
    void aCapThrottlesTheZonesPerformanceDomains() throws Exception {
        SimulatedPerfDomains perf = new SimulatedPerfDomains(builtIn(), store);
        SimulatedPowercap board = builtInBoard(perf);
        // At most the cpu zone draws 0.15 + 0.4 + 1.5 = 2.05 W; 1.5 W takes big down two levels (1.2 W, 0.75 W).
        board.setCap("cpu", 1_500_000);
        assertEquals(1_500_000, board.cap("cpu"));
        assertEquals(new PerfLimits(1_400_000, 600_000), perf.limits("big"));
        assertEquals(new PerfLimits(1_200_000, 400_000), perf.limits("little"));
        board.setCap("cpu", 500_000);
        assertEquals(new PerfLimits(600_000, 600_000), perf.limits("big"));
        assertEquals(new PerfLimits(400_000, 400_000), perf.limits("little"));
        assertEquals(150_000 + 80_000 + 250_000, board.power("cpu"), "the domains moved under the cap");
        board.setCap("cpu", 0);
        assertEquals(new PerfLimits(2_000_000, 600_000), perf.limits("big"));
        assertEquals(ScmiStatus.OUT_OF_RANGE, assertThrows(ScmiException.class, () -> board.setCap("cpu", 510_000))
                .status());
    }

    @Test
    void eachAveragingIntervalEndsWithAMeasurement() throws Exception {
        SimulatedPerfDomains perf = new SimulatedPerfDomains(builtIn(), store);
        SimulatedPowercap board = builtInBoard(perf);
        List<String> heard = new CopyOnWriteArrayList<>();
        CountDownLatch measuredAfterTheDrawChanged = new CountDownLatch(1);
        board.addListener(new PowercapListener() {
            @Override
            public void capChanged(String zoneKey, int cap) {
                heard.add(zoneKey + " cap " + cap);
            }

            @Override
            public void measured(String zoneKey, int power) {
                if (zoneKey.equals("cpu") && power == 1_200_000) {
                    measuredAfterTheDrawChanged.countDown();
                }
            }
        });
        board.setAveragingInterval("cpu", 100_000);
        PowercapCommands shell = new PowercapCommands(board);
        assertEquals("cpu_cluster draws 1200000 µW", shell.powercapDraw("cpu", 250_000));
        assertTrue(measuredAfterTheDrawChanged.await(5, TimeUnit.SECONDS), "an interval of 100 ms ended");
        assertEquals("soc capped at 3000000 µW by the platform", shell.powercapCap("soc", 3_000_000));
        assertEquals(List.of("soc cap 3000000"), heard);
        assertEquals("soc cannot be capped at 3000001 µW; its caps: 2000000..12000000 step 100000, or 0 for none",
                shell.powercapCap("soc", 3_000_001));
        assertEquals("no simulated powercap zone 'gpu'; type 'powercapZones' to list them", shell.powercapCap("gpu", 0));
        String table = shell.powercapZones();
        assertTrue(table.lines().anyMatch(line -> line.matches(
                "cpu +cpu_cluster +soc +none +100000 +1200000 +250000 +\\[little, big]")), table);
    }

    @Test
    void capsIntervalsAndDrawsOutliveTheBundle() throws Exception {
        SimulatedPerfDomains perf = new SimulatedPerfDomains(builtIn(), store);
        SimulatedPowercap board = builtInBoard(perf);
        board.setCap("cpu", 1_000_000);
        board.setAveragingInterval("soc", 200_000);
        new PowercapCommands(board).powercapDraw("soc", 1_000_000);

        SimulatedPerfDomains perfUpdated = new SimulatedPerfDomains(builtIn(), store);
        SimulatedPowercap updated = builtInBoard(perfUpdated);
        assertEquals(1_000_000, updated.cap("cpu"));
        assertEquals(200_000, updated.averagingInterval("soc"));
        assertEquals(perf.limits("big"), perfUpdated.limits("big"), "the cap throttles the new domains again");
    }
}
