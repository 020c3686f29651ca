package org.scmi.api.powercap;

/**
 * The values a power cap or an averaging interval can take: {@code min + k × step} up to
 * {@code max}. A range with {@code min == max} is fixed: agents cannot change the setting.
 *
 * @param min the lowest value, positive
 * @param max the highest value
 * @param step the distance between two values; positive unless the range is fixed
 */
public record PowercapRange(int min, int max, int step) {

    public PowercapRange {
        if (min <= 0 || max < min || step < 0) {
            throw new IllegalArgumentException("a range needs 0 < min <= max and a step >= 0: " + describe(min, max,
                    step));
        }
        if (min != max && (step == 0 || (max - min) % step != 0)) {
            throw new IllegalArgumentException("a step dividing max - min is needed: " + describe(min, max, step));
        }
    }

    /** A range of one value. */
    public static PowercapRange fixed(int value) {
        return new PowercapRange(value, value, 0);
    }

    /** Whether agents can choose among several values. */
    public boolean configurable() {
        return min != max;
    }

    public boolean contains(int value) {
        return value >= min && value <= max && (step == 0 || (value - min) % step == 0);
    }

    @Override
    public String toString() {
        return describe(min, max, step);
    }

    private static String describe(int min, int max, int step) {
        return min + ".." + max + " step " + step;
    }
}
