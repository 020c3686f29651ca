package org.scmi.sensor;

/**
 * One trip point an agent configured with SENSOR_TRIP_POINT_CONFIG: a threshold and the crossing
 * directions that raise an event. A value at or above the threshold counts as above it.
 *
 * @param mode trip_ctrl bits 1:0: {@link #UPWARD}, {@link #DOWNWARD} or both
 * @param threshold value in the sensor's unit and scale
 */
record TripPoint(int mode, long threshold) {
    static final int DISABLED = 0;
    static final int UPWARD = 1;
    static final int DOWNWARD = 2;

    /** +1 for an upward crossing this trip point reports, -1 downward, 0 for none. */
    int crossing(long previous, long current) {
        boolean wasAbove = previous >= threshold;
        boolean isAbove = current >= threshold;
        if (!wasAbove && isAbove && (mode & UPWARD) != 0) {
            return 1;
        }
        if (wasAbove && !isAbove && (mode & DOWNWARD) != 0) {
            return -1;
        }
        return 0;
    }
}
