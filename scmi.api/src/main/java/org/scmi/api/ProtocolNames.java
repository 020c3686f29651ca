package org.scmi.api;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The protocols the SCMI specification defines, by id, with the short names people use for them
 * (the shell, agent profiles).
 */
public final class ProtocolNames {
    /** Base: every agent uses it; the first id a protocol can have. */
    public static final int BASE = 0x10;
    /** The first id after Base: the first protocol an agent may be allowed or denied. */
    public static final int FIRST_PROTOCOL = 0x11;
    private static final Map<Integer, String> NAMES = Map.of(
            0x10, "base",
            0x11, "power",
            0x12, "system",
            0x13, "perf",
            0x14, "clock",
            0x15, "sensor",
            0x16, "reset",
            0x17, "voltage",
            0x18, "powercap",
            0x19, "pinctrl");

    private ProtocolNames() {
    }

    /** The short name of a protocol id, or {@code -} for an id the specification does not define. */
    public static String name(int protocolId) {
        return NAMES.getOrDefault(protocolId, "-");
    }

    /** {@code 0x15} as the shell shows protocol ids. */
    public static String hex(int protocolId) {
        return String.format("0x%02x", protocolId);
    }

    /** A protocol id from a short name, a hexadecimal {@code 0x..} or a decimal number. */
    public static OptionalInt parse(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT);
        for (Map.Entry<Integer, String> entry : NAMES.entrySet()) {
            if (entry.getValue().equals(key)) {
                return OptionalInt.of(entry.getKey());
            }
        }
        try {
            int id = Integer.decode(key);
            return id >= 0 && id <= 0xFF ? OptionalInt.of(id) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The accepted names, for error messages. */
    public static String known() {
        return String.join(", ", NAMES.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue() + " (" + hex(e.getKey()) + ")").toList());
    }
}
