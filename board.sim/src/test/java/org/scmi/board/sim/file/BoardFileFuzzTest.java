package org.scmi.board.sim.file;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.scmi.board.sim.clock.SimulatedClocks;
import org.scmi.board.sim.pinctrl.SimulatedPinController;
import org.scmi.board.sim.power.SimulatedPowerDomains;
import org.scmi.board.sim.reset.SimulatedResets;
import org.scmi.board.sim.sensor.SimulatedSensors;
import org.scmi.board.sim.system.SimulatedSystem;
import org.scmi.board.sim.testing.BoardFileConfigs;
import org.scmi.board.sim.voltage.SimulatedVoltages;
import org.scmi.core.AgentStates;

/**
 * Fuzz target: a board file with any bytes in it, loaded by every part of the simulated board as
 * the deployer's file would be (the seed is the built-in board).
 *
 * <p>Invariants: each part either loads the board or refuses it with a {@link BoardFileException}
 * whose message names the file (and, from {@link JsonFields}, the path of the bad value); nothing
 * else escapes: no parser exception, no arithmetic or index error, no out-of-memory from a count
 * the file chose.
 */
class BoardFileFuzzTest {
    private static Path file;

    @BeforeAll
    static void createFile() throws Exception {
        file = Files.createTempFile("board", ".json");
    }

    @AfterAll
    static void deleteFile() throws Exception {
        Files.deleteIfExists(file);
    }

    @FuzzTest
    void load(byte[] contents) throws Exception {
        Files.write(file, contents);
        String path = file.toString();
        AgentStates store = new AgentStates();
        loads(() -> new SimulatedClocks(BoardFileConfigs.file(path), store));
        loads(() -> new SimulatedPowerDomains(BoardFileConfigs.file(path), store));
        loads(() -> new SimulatedResets(BoardFileConfigs.file(path), store));
        loads(() -> new SimulatedVoltages(BoardFileConfigs.file(path), store));
        loads(() -> new SimulatedPinController(BoardFileConfigs.file(path), store));
        loads(() -> new SimulatedSystem(BoardFileConfigs.file(path), store));
        // The sensors keep their previous board (here: none) and log the refusal instead.
        new SimulatedSensors(sensorConfig(path), store);
    }

    @FunctionalInterface
    private interface Part {
        Object load() throws BoardFileException;
    }

    private static void loads(Part part) {
        try {
            part.load();
        } catch (BoardFileException e) {
            assertTrue(e.getMessage().startsWith(file.toString() + ": "), "the error names the file: " + e.getMessage());
        }
    }

    private static SimulatedSensors.Config sensorConfig(String path) {
        return new SimulatedSensors.Config() {
            @Override
            public String file() {
                return path;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return SimulatedSensors.Config.class;
            }
        };
    }
}
