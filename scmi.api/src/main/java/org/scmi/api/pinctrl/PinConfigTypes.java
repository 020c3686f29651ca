package org.scmi.api.pinctrl;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The configuration types of the Pin control protocol (SCMI v3.2, a byte on the wire): 0..20 are
 * defined by the specification, 192..255 are the platform's own (OEM), 21..191 are reserved. Names
 * are the Linux device-tree property names where one exists ({@code bias-pull-up}); OEM types are
 * named {@code oem-<type>}.
 */
public final class PinConfigTypes {
    public static final int DEFAULT = 0;
    public static final int BIAS_BUS_HOLD = 1;
    public static final int BIAS_DISABLE = 2;
    public static final int BIAS_HIGH_IMPEDANCE = 3;
    public static final int BIAS_PULL_UP = 4;
    public static final int BIAS_PULL_DEFAULT = 5;
    public static final int BIAS_PULL_DOWN = 6;
    public static final int DRIVE_OPEN_DRAIN = 7;
    public static final int DRIVE_OPEN_SOURCE = 8;
    public static final int DRIVE_PUSH_PULL = 9;
    /** Drive strength in mA (Linux sends its {@code drive-strength} property). */
    public static final int DRIVE_STRENGTH = 10;
    /** Input debounce time in µs, 0 for none. */
    public static final int INPUT_DEBOUNCE = 11;
    /** Input buffer: 0 disabled, 1 enabled. */
    public static final int INPUT_MODE = 12;
    public static final int PULL_MODE = 13;
    /** The level the pin's input sees: read only (Linux reads its {@code level} through it). */
    public static final int INPUT_VALUE = 14;
    public static final int INPUT_SCHMITT = 15;
    public static final int LOW_POWER_MODE = 16;
    /** Output buffer: 0 disabled, 1 enabled. */
    public static final int OUTPUT_MODE = 17;
    /** The level the pin drives when its output is enabled: 0 low, 1 high. */
    public static final int OUTPUT_VALUE = 18;
    public static final int POWER_SOURCE = 19;
    public static final int SLEW_RATE = 20;
    /** First and last OEM type. */
    public static final int OEM_FIRST = 192;
    public static final int OEM_LAST = 255;

    /** Names of types 0..20, by type. */
    private static final List<String> NAMES = List.of("default", "bias-bus-hold", "bias-disable",
            "bias-high-impedance", "bias-pull-up", "bias-pull-default", "bias-pull-down", "drive-open-drain",
            "drive-open-source", "drive-push-pull", "drive-strength", "input-debounce", "input-mode", "pull-mode",
            "input-value", "input-schmitt", "low-power-mode", "output-mode", "output-value", "power-source",
            "slew-rate");
    private static final String OEM_PREFIX = "oem-";

    private PinConfigTypes() {
    }

    /** Whether {@code type} is defined by the specification or an OEM type (not reserved). */
    public static boolean defined(int type) {
        return type >= 0 && type < NAMES.size() || type >= OEM_FIRST && type <= OEM_LAST;
    }

    /** Whether agents may only read {@code type}: the input level comes from outside the pin. */
    public static boolean readOnly(int type) {
        return type == INPUT_VALUE;
    }

    /** The name of a defined type ({@code bias-pull-up}, {@code oem-200}); {@code type-<n>} for a reserved one. */
    public static String name(int type) {
        if (type >= 0 && type < NAMES.size()) {
            return NAMES.get(type);
        }
        return (defined(type) ? OEM_PREFIX : "type-") + type;
    }

    /** The defined type with this name (case-insensitive), or empty. */
    public static OptionalInt parse(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        int index = NAMES.indexOf(lower);
        if (index >= 0) {
            return OptionalInt.of(index);
        }
        if (lower.startsWith(OEM_PREFIX)) {
            try {
                int type = Integer.parseInt(lower.substring(OEM_PREFIX.length()));
                return type >= OEM_FIRST && type <= OEM_LAST ? OptionalInt.of(type) : OptionalInt.empty();
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
