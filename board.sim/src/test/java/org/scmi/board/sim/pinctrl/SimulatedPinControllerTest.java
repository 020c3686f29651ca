package org.scmi.board.sim.pinctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.scmi.board.sim.testing.BoardFileConfigs.builtIn;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.pinctrl.PinConfig;
import org.scmi.api.pinctrl.PinConfigTypes;
import org.scmi.core.AgentStates;

class SimulatedPinControllerTest {
    private final AgentStates store = new AgentStates();

    @Test
    void builtInBoardHasSixteenPinsFiveGroupsAndFourFunctions() throws Exception {
        SimulatedPinController board = new SimulatedPinController(builtIn(), store);
        assertEquals(16, board.controller().pins().size());
        assertEquals(List.of("uart0_grp", "uart0_alt_grp", "i2c0_grp", "spi0_grp", "pwm0_grp"),
                board.controller().groups().stream().map(group -> group.name()).toList());
        assertEquals(List.of("uart0", "i2c0", "spi0", "pwm0"),
                board.controller().functions().stream().map(function -> function.name()).toList());
        assertEquals(Optional.of("i2c0"), board.function("i2c0"));
        assertEquals(Optional.of("i2c0"), board.pinFunction("gpio3"));
        assertEquals(Optional.empty(), board.pinFunction("gpio0"));
        assertEquals(1, board.config("gpio15", PinConfigTypes.INPUT_VALUE), "the wake-up key is pulled high outside");
    }

    @Test
    void theStateOutlivesAnUpdateOfTheBundle() throws Exception {
        SimulatedPinController board = new SimulatedPinController(builtIn(), store);
        board.configure("gpio4", List.of(new PinConfig(PinConfigTypes.DRIVE_STRENGTH, 16)));
        board.selectFunction("spi0", Optional.of("spi0"));
        board.levelByPlatform(board.find("GPIO_6").orElseThrow(), 1);

        SimulatedPinController updated = new SimulatedPinController(builtIn(), store);
        assertEquals(16, updated.config("gpio4", PinConfigTypes.DRIVE_STRENGTH));
        assertEquals(Optional.of("spi0"), updated.function("spi0"));
        assertEquals(1, updated.config("gpio6", PinConfigTypes.INPUT_VALUE));
    }

    @Test
    void aGroupSharingPinsLosesItsSelection() throws Exception {
        SimulatedPinController board = new SimulatedPinController(builtIn(), store);
        board.selectFunction("uart0", Optional.of("uart0"));
        board.selectFunction("uart0_alt", Optional.of("uart0"));
        assertEquals(Optional.of("uart0"), board.function("uart0"), "no pin in common");
        assertEquals(Optional.of("pwm0"), board.function("pwm0"));
        board.selectFunction("spi0", Optional.of("spi0"));
        assertEquals(Optional.empty(), board.function("pwm0"), "gpio7 went to spi0");
        assertEquals(Optional.of("spi0"), board.pinFunction("gpio7"));
        assertEquals(ScmiStatus.INVALID_PARAMETERS, assertThrows(ScmiException.class,
                () -> board.selectFunction("uart0", Optional.of("spi0"))).status());
        assertEquals(ScmiStatus.NOT_FOUND, assertThrows(ScmiException.class,
                () -> board.function("nosuch")).status());
    }

    @Test
    void thePlatformsChangesReachTheListeners() throws Exception {
        SimulatedPinController board = new SimulatedPinController(builtIn(), store);
        List<String> heard = new ArrayList<>();
        board.addListener((pinKey, type) -> heard.add(pinKey + " " + PinConfigTypes.name(type)));
        board.configureByPlatform(board.find("gpio9").orElseThrow(), new PinConfig(PinConfigTypes.OUTPUT_VALUE, 1));
        assertEquals(List.of("gpio9 output-value"), heard);
        assertEquals("drive-strength of GPIO_9 takes 2..16, not 20", assertThrows(IllegalArgumentException.class,
                () -> board.configureByPlatform(board.find("gpio9").orElseThrow(),
                        new PinConfig(PinConfigTypes.DRIVE_STRENGTH, 20))).getMessage());
        assertEquals(1, heard.size());
    }
}
