package org.scmi.api.pinctrl;

/**
 * The values a pin accepts for one configuration type: every whole number from {@code min} to
 * {@code max}, both unsigned 32-bit words.
 */
public record PinConfigRange(long min, long max) {
    /** The largest value of a configuration word. */
    public static final long WORD_MAX = 0xFFFF_FFFFL;
    /** A switch: 0 off, 1 on. */
    public static final PinConfigRange SWITCH = new PinConfigRange(0, 1);

    public PinConfigRange {
        if (min < 0 || max > WORD_MAX || min > max) {
            throw new IllegalArgumentException("config values need 0 <= min <= max <= " + WORD_MAX + ": " + min
                    + ".." + max);
        }
    }

    public boolean contains(long value) {
        return value >= min && value <= max;
    }

    @Override
    public String toString() {
        return min == max ? Long.toString(min) : min + ".." + max;
    }
}
