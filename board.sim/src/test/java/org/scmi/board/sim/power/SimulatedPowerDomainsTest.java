package org.scmi.board.sim.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.scmi.api.power.PowerDomain;
import org.scmi.api.power.PowerDomainListener;
import org.scmi.api.power.PowerState;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.core.AgentStates;

class SimulatedPowerDomainsTest {
    private final AgentStates store = new AgentStates();

    private static List<SimulatedDomain> parse(String powerDomains) throws BoardFileException {
        return PowerBoardParser.parse(BoardFile.parse("board.json",
                new StringReader("{\"powerDomains\": " + powerDomains + "}")));
    }

    private static String failure(String powerDomains) {
        return assertThrows(BoardFileException.class, () -> parse(powerDomains)).getMessage();
    }

    @Test
    void builtInBoardHasThreeDomains() throws Exception {
        SimulatedPowerDomains board = new SimulatedPowerDomains(builtIn(), store);
        assertEquals(List.of(
                new PowerDomain("gpu", "gpu_pd", List.of(PowerState.ON, PowerState.OFF), true, true),
                new PowerDomain("vpu", "vpu_pd", List.of(PowerState.ON, PowerState.OFF), true, true),
                new PowerDomain("dsp", "dsp_pd", List.of(PowerState.ON, 1, PowerState.OFF), true, true)),
                board.domains());
        assertEquals(PowerState.ON, board.state("gpu"));
        assertEquals(PowerState.OFF, board.state("vpu"));
        assertEquals(100, board.find("vpu_pd").orElseThrow().transition().toMillis());
    }

    @Test
    void configuredFileReplacesTheBuiltInBoard(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("board.json"),
                "{\"powerDomains\": [{\"name\": \"isp_pd\", \"state\": \"off\", \"asynchronous\": false}],"
                        + " \"sensors\": []}");
        SimulatedPowerDomains board = new SimulatedPowerDomains(file(json.toString()), store);
        assertEquals(List.of(new PowerDomain("isp_pd", "isp_pd", List.of(PowerState.ON, PowerState.OFF), true, false)),
                board.domains());
        assertEquals(PowerState.OFF, board.state("isp_pd"));
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("board.json: powerDomains[1].name: \"a\" names another domain too",
                failure("[{\"name\": \"a\"}, {\"name\": \"a\", \"key\": \"b\"}]"));
        assertEquals("board.json: powerDomains[0].states: must include \"on\" and \"off\": Linux switches domains "
                + "between them", failure("[{\"name\": \"a\", \"states\": [\"on\"]}]"));
        assertEquals("board.json: powerDomains[0].states[1]: expected on, off or a state word, found \"of\"",
                failure("[{\"name\": \"a\", \"states\": [\"on\", \"of\"]}]"));
        assertEquals("board.json: powerDomains[0].states[2]: state word 0x10000000 sets reserved bits 31, 29 or 28",
                failure("[{\"name\": \"a\", \"states\": [\"on\", \"off\", \"0x10000000\"]}]"));
        assertEquals("board.json: powerDomains[0].state: not one of the domain's states",
                failure("[{\"name\": \"a\", \"state\": \"0x40000001\"}]"));
        assertEquals("board.json: powerDomains[0].delayMs: expected a whole number in 0..60000, found \"slow\"",
                failure("[{\"name\": \"a\", \"delayMs\": \"slow\"}]"));
        assertEquals("board.json: powerDomains[0]: domain a: neither synchronous nor asynchronous set",
                failure("[{\"name\": \"a\", \"synchronous\": false, \"asynchronous\": false}]"));
        assertTrue(failure("[{\"name\": \"a\", \"delay\": 5}]")
                .startsWith("board.json: powerDomains[0].delay: unknown field (known: "));
    }

    @Test
    void aTransitionTakesTheConfiguredDelay() throws Exception {
        SimulatedPowerDomains board = new SimulatedPowerDomains(parse("[{\"name\": \"a\", \"delayMs\": 150}]"),
                store);
        long start = System.nanoTime();
        board.setState("a", PowerState.OFF);
        assertTrue(System.nanoTime() - start >= 150_000_000L);
        assertEquals(PowerState.OFF, board.state("a"));
        assertEquals(ScmiStatus.NOT_FOUND, assertThrows(ScmiException.class, () -> board.state("b")).status());
    }

    @Test
    void shellSwitchesReachTheListener() throws Exception {
        SimulatedPowerDomains board = new SimulatedPowerDomains(builtIn(), store);
        List<String> heard = new ArrayList<>();
        board.addListener(new PowerDomainListener() {
            @Override
            public void stateChanged(String domainKey, int state) {
                heard.add(domainKey + "=" + Integer.toHexString(state));
            }

            @Override
            public void stateChangeRequested(String domainKey, int state) {
                heard.add(domainKey + " requested " + state);
            }
        });
        PowerCommands shell = new PowerCommands(board);
        assertEquals("dsp_pd is now 0x00000001", shell.powerState("dsp_pd", "0x1"));
        assertEquals("gpu_pd is now off", shell.powerState("gpu", "off"));
        assertEquals("gpu_pd has no state 0x00000002; its states: on, off", shell.powerState("gpu", "2"));
        assertEquals("expected on, off or a state word, found \"half\"", shell.powerState("gpu", "half"));
        assertEquals("no simulated power domain 'npu'; type 'powerDomains' to list them", shell.powerState("npu", "on"));
        assertEquals(List.of("dsp=1", "gpu=40000000"), heard);

        String table = shell.powerDomains();
        assertTrue(table.lines().anyMatch(line -> line.matches("gpu +gpu_pd +off +0 ms +on, off")), table);
        assertTrue(table.lines().anyMatch(line -> line.matches("dsp +dsp_pd +0x00000001 +20 ms +on, 0x00000001, off")),
                table);
    }

    @Test
    void statesOutliveTheBundleButNotTheBoard() throws Exception {
        SimulatedPowerDomains board = new SimulatedPowerDomains(builtIn(), store);
        board.setState("vpu", PowerState.ON);
        new PowerCommands(board).powerState("dsp", "0x1");

        SimulatedPowerDomains updated = new SimulatedPowerDomains(builtIn(), store);
        assertEquals(PowerState.ON, updated.state("vpu"));
        assertEquals(1, updated.state("dsp"));
        assertEquals(PowerState.ON, updated.state("gpu"));

        SimulatedPowerDomains otherBoard = new SimulatedPowerDomains(parse("[{\"name\": \"vpu_pd\", "
                + "\"key\": \"vpu\", \"state\": \"off\"}]"), store);
        assertEquals(PowerState.OFF, otherBoard.state("vpu"), "another board starts from its file");
    }
}
