package org.scmi.board.sim.pinctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scmi.api.pinctrl.Pin;
import org.scmi.api.pinctrl.PinConfigRange;
import org.scmi.api.pinctrl.PinConfigTypes;
import org.scmi.api.pinctrl.PinFunction;
import org.scmi.api.pinctrl.PinGroup;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.pinctrl.PinBoardParser.Board;

class PinBoardParserTest {

    private static Board parse(String json) throws BoardFileException {
        return PinBoardParser.parse(BoardFile.parse("board.json", new StringReader(json)));
    }

    private static String failure(String json) {
        return assertThrows(BoardFileException.class, () -> parse(json)).getMessage();
    }

    @Test
    void pinsGroupsAndFunctionsWithTheirStartValues() throws BoardFileException {
        Board board = parse("""
                { "pins": [
                    { "name": "PAD_A", "key": "a", "configs": { "bias-pull-up": 1,
                      "drive-strength": { "value": 6, "min": 2, "max": 12 }, "oem-200": 7 } },
                    { "name": "PAD_B", "level": 1 } ],
                  "pinGroups": [ { "name": "both", "pins": ["a", "PAD_B"] } ],
                  "pinFunctions": [ { "name": "bus", "key": "b", "groups": ["both"], "selected": "both" } ] }""");
        Pin a = board.controller().pins().get(0);
        assertEquals(new Pin("a", "PAD_A", Map.of(PinConfigTypes.BIAS_PULL_UP, PinConfigRange.SWITCH,
                PinConfigTypes.DRIVE_STRENGTH, new PinConfigRange(2, 12), 200, new PinConfigRange(0, 7))), a);
        assertEquals(Map.of(PinConfigTypes.BIAS_PULL_UP, 1L, PinConfigTypes.DRIVE_STRENGTH, 6L, 200, 7L),
                board.configs().get("a"));
        Pin b = board.controller().pins().get(1);
        assertEquals(13, b.configs().size(), "the default pad");
        assertEquals(new PinConfigRange(2, 16), b.configs().get(PinConfigTypes.DRIVE_STRENGTH));
        assertEquals(4L, board.configs().get("PAD_B").get(PinConfigTypes.DRIVE_STRENGTH));
        assertEquals(Map.of("a", 0, "PAD_B", 1), board.levels());
        assertEquals(List.of(new PinGroup("both", "both", List.of("a", "PAD_B"))), board.controller().groups());
        assertEquals(List.of(new PinFunction("b", "bus", List.of("both"))), board.controller().functions());
        assertEquals(Map.of("both", "b"), board.selections());
    }

    @Test
    void aBoardWithoutPinsHasAnEmptyController() throws BoardFileException {
        assertEquals(List.of(), parse("{ \"clocks\": [] }").controller().pins());
    }

    @Test
    void badValuesAreReportedWithTheirPlace() {
        assertEquals("board.json: pins[0].colour: unknown field (known: configs, key, level, name)",
                failure("{ \"pins\": [ { \"name\": \"P\", \"colour\": 1 } ] }"));
        assertEquals("board.json: pins[1].name: \"P\" is used twice; Linux finds pins, groups and functions by name",
                failure("{ \"pins\": [ { \"name\": \"P\" }, { \"name\": \"P\" } ] }"));
        assertEquals("board.json: pins[0].configs.bias-sideways: not a pin config type (bias-pull-up, drive-strength, "
                + "output-value, oem-192...)",
                failure("{ \"pins\": [ { \"name\": \"P\", \"configs\": { \"bias-sideways\": 1 } } ] }"));
        assertEquals("board.json: pins[0].configs.drive-strength.value: expected a whole number in 2..4, found 5",
                failure("{ \"pins\": [ { \"name\": \"P\", \"configs\": { \"drive-strength\": "
                        + "{ \"value\": 5, \"min\": 2, \"max\": 4 } } } ] }"));
        assertEquals("board.json: pins[0].level: expected a whole number in 0..1, found 2",
                failure("{ \"pins\": [ { \"name\": \"P\", \"level\": 2 } ] }"));
        assertEquals("board.json: pinGroups[0].pins: no pin with key \"Q\"",
                failure("{ \"pins\": [ { \"name\": \"P\" } ], \"pinGroups\": [ { \"name\": \"g\", \"pins\": [\"Q\"] } ] }"));
        assertEquals("board.json: pinGroups[0].pins: needs at least one pin, none twice",
                failure("{ \"pins\": [ { \"name\": \"P\" } ], \"pinGroups\": [ { \"name\": \"g\", \"pins\": [] } ] }"));
        assertEquals("board.json: pinFunctions[0].groups: no group with key \"h\"",
                failure("{ \"pins\": [ { \"name\": \"P\" } ], \"pinGroups\": [ { \"name\": \"g\", \"pins\": [\"P\"] } ],"
                        + " \"pinFunctions\": [ { \"name\": \"f\", \"groups\": [\"h\"] } ] }"));
        assertEquals("board.json: pinFunctions[0].selected: \"x\" is not one of the function's groups",
                failure("{ \"pins\": [ { \"name\": \"P\" } ], \"pinGroups\": [ { \"name\": \"g\", \"pins\": [\"P\"] } ],"
                        + " \"pinFunctions\": [ { \"name\": \"f\", \"groups\": [\"g\"], \"selected\": \"x\" } ] }"));
        assertEquals("board.json: pinFunctions[1].selected: group \"g\" is selected for another function too",
                failure("{ \"pins\": [ { \"name\": \"P\" } ], \"pinGroups\": [ { \"name\": \"g\", \"pins\": [\"P\"] } ],"
                        + " \"pinFunctions\": [ { \"name\": \"f\", \"groups\": [\"g\"], \"selected\": \"g\" },"
                        + " { \"name\": \"e\", \"groups\": [\"g\"], \"selected\": \"g\" } ] }"));
    }
}
