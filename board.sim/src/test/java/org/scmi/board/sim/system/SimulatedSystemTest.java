package org.scmi.board.sim.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.scmi.board.sim.testing.BoardFileConfigs.builtIn;
import static org.scmi.board.sim.testing.BoardFileConfigs.file;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.system.SystemState;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.core.AgentStates;

class SimulatedSystemTest {
    private static final Set<SystemState> ALL = EnumSet.of(SystemState.SHUTDOWN, SystemState.COLD_RESET,
            SystemState.WARM_RESET, SystemState.SUSPEND);
    private final AgentStates store = new AgentStates();

    private static Set<SystemState> parse(String board) throws BoardFileException {
        return SimulatedSystem.parse(BoardFile.parse("board.json", new StringReader(board)));
    }

    private static String failure(String board) {
        return assertThrows(BoardFileException.class, () -> parse(board)).getMessage();
    }

    @Test
    void theBuiltInBoardAndABoardWithoutSystemPowerCarryOutEveryTransition() throws Exception {
        SimulatedSystem board = new SimulatedSystem(builtIn(), store);
        assertEquals(ALL, board.transitions());
        assertEquals(SystemState.POWER_UP, board.state());
        assertEquals(ALL, parse("{\"clocks\": []}"));
        assertEquals(ALL, parse("{\"systemPower\": {}}"));
    }

    @Test
    void aBoardFileNamesTheTransitionsTheBoardCarriesOut(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("board.json"),
                "{\"systemPower\": {\"transitions\": [\"shutdown\", \"Cold-Reset\"]}}");
        SimulatedSystem board = new SimulatedSystem(file(json.toString()), store);
        assertEquals(EnumSet.of(SystemState.SHUTDOWN, SystemState.COLD_RESET), board.transitions());
        assertEquals(Set.of(), parse("{\"systemPower\": {\"transitions\": []}}"));
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("board.json: systemPower.transitions[1]: expected shutdown, cold-reset, warm-reset or suspend, "
                + "found \"power-up\"", failure("{\"systemPower\": {\"transitions\": [\"shutdown\", \"power-up\"]}}"));
        assertEquals("board.json: systemPower.transitions[0]: expected a string, found 1",
                failure("{\"systemPower\": {\"transitions\": [1]}}"));
        assertEquals("board.json: systemPower.states: unknown field (known: transitions)",
                failure("{\"systemPower\": {\"states\": []}}"));
        assertEquals("board.json: systemPower: expected an object, found [\"shutdown\"]",
                failure("{\"systemPower\": [\"shutdown\"]}"));
    }

    @Test
    void transitionsAreCountedAcrossUpdatesButNotAcrossBoards() throws Exception {
        SimulatedSystem board = new SimulatedSystem(EnumSet.of(SystemState.SHUTDOWN, SystemState.SUSPEND), store);
        board.enter(SystemState.SUSPEND);
        board.enter(SystemState.SUSPEND);
        board.enter(SystemState.SHUTDOWN);
        assertEquals(ScmiStatus.NOT_SUPPORTED,
                assertThrows(ScmiException.class, () -> board.enter(SystemState.WARM_RESET)).status());
        assertEquals(SystemState.POWER_UP, board.state(), "a simulation keeps running");

        SimulatedSystem updated = new SimulatedSystem(EnumSet.of(SystemState.SHUTDOWN, SystemState.SUSPEND), store);
        assertEquals(2, updated.entered(SystemState.SUSPEND));
        assertEquals(1, updated.entered(SystemState.SHUTDOWN));
        assertEquals(0, updated.entered(SystemState.WARM_RESET));

        SimulatedSystem otherBoard = new SimulatedSystem(EnumSet.of(SystemState.SUSPEND), store);
        assertEquals(0, otherBoard.entered(SystemState.SUSPEND), "another board starts from its file");
    }
}
