package org.scmi.api.sensor;

/**
 * The extended attributes of a value: its resolution and the range it can take, both in the
 * sensor's (or axis') unit and scale.
 *
 * @param resolution smallest step, 0..2^27-1, times ten to the power of {@code resolutionExponent}
 * @param resolutionExponent power of ten of the resolution, -16..15
 * @param min smallest value, or {@link #NOT_REPORTED_MIN}
 * @param max largest value, or {@link #NOT_REPORTED_MAX}
 */
public record ValueRange(int resolution, int resolutionExponent, long min, long max) {
    /** The minimum a sensor reports when it does not know its range. */
    public static final long NOT_REPORTED_MIN = Long.MIN_VALUE;
    /** The maximum a sensor reports when it does not know its range. */
    public static final long NOT_REPORTED_MAX = Long.MAX_VALUE;

    private static final int MAX_RESOLUTION = (1 << 27) - 1;

    public ValueRange {
        if (resolution < 0 || resolution > MAX_RESOLUTION) {
            throw new IllegalArgumentException("resolution must be 0.." + MAX_RESOLUTION + ": " + resolution);
        }
        SensorInfo.checkExponent("resolution exponent", resolutionExponent);
        if (min > max) {
            throw new IllegalArgumentException("range minimum " + min + " above maximum " + max);
        }
    }
}
