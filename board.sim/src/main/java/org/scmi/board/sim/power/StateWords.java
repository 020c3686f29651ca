package org.scmi.board.sim.power;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.scmi.api.power.PowerState;

/** Power state words as people write them in the board file and the shell: on, off, or a number. */
final class StateWords {
    private StateWords() {
    }

    /**
     * "on", "off", a decimal number or a "0x..." hex number.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    static int parse(String text) {
        String word = text.trim().toLowerCase(Locale.ROOT);
        long value;
        try {
            value = switch (word) {
                case "on" -> PowerState.ON;
                case "off" -> PowerState.OFF;
                default -> word.startsWith("0x") ? Long.parseLong(word.substring(2), 16) : Long.parseLong(word);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected on, off or a state word, found \"" + text + "\"");
        }
        if (value < 0 || value > 0xFFFF_FFFFL || !PowerState.isWellFormed((int) value)) {
            throw new IllegalArgumentException("state word " + text + " sets reserved bits 31, 29 or 28");
        }
        return (int) value;
    }

    static String describe(List<Integer> states) {
        return states.stream().map(PowerState::describe).collect(Collectors.joining(", "));
    }
}
