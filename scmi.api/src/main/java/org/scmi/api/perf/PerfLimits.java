package org.scmi.api.perf;

/**
 * A range of performance levels, both ends included.
 *
 * @param max the highest level allowed
 * @param min the lowest level allowed, at most {@code max}
 */
public record PerfLimits(int max, int min) {

    public PerfLimits {
        if (min <= 0 || max < min) {
            throw new IllegalArgumentException("limits need 0 < min <= max: max " + max + ", min " + min);
        }
    }

    public boolean contains(int level) {
        return level >= min && level <= max;
    }

    /** {@code level} moved into the range. */
    public int clamp(int level) {
        return Math.clamp(level, min, max);
    }

    /** The part of this range inside {@code outer}; the nearest end of {@code outer} if they do not meet. */
    public PerfLimits within(PerfLimits outer) {
        int clampedMax = outer.clamp(max);
        return new PerfLimits(clampedMax, Math.clamp(min, outer.min(), clampedMax));
    }
}
