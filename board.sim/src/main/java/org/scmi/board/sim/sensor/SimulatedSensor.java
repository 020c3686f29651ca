package org.scmi.board.sim.sensor;

import java.time.Duration;
import java.util.List;
import org.scmi.api.sensor.SensorInfo;

/**
 * One sensor of the simulated board: its description, how each of its values moves, how long a
 * read takes, and the fixed values an operator set, if any.
 *
 * <p>Thread-safe: the fixed values are replaced as a whole.
 */
final class SimulatedSensor {
    private final SensorInfo info;
    private final List<Signal> signals;
    private final Duration readDelay;
    /** 10^scale: a physical value divided by it is what the sensor reports. */
    private final double unit;
    private volatile List<Double> fixed;

    SimulatedSensor(SensorInfo info, List<Signal> signals, Duration readDelay) {
        if (signals.size() != info.valueCount()) {
            throw new IllegalArgumentException(info.name() + " needs " + info.valueCount() + " signals");
        }
        this.info = info;
        this.signals = List.copyOf(signals);
        this.readDelay = readDelay;
        this.unit = Math.pow(10, info.scale());
    }

    SensorInfo info() {
        return info;
    }

    Duration readDelay() {
        return readDelay;
    }

    /** Number of values: one per axis, or one for a scalar sensor. */
    int valueCount() {
        return signals.size();
    }

    /**
     * The physical value of axis {@code axis} {@code seconds} after the board started: the fixed
     * one, or its signal's.
     */
    double valueAt(int axis, double seconds) {
        List<Double> held = fixed;
        return held != null ? held.get(axis) : signals.get(axis).at(seconds);
    }

    /** Holds the sensor at these physical values (one per axis) until {@link #resume()}. */
    void fix(List<Double> values) {
        if (values.size() != info.valueCount()) {
            throw new IllegalArgumentException(info.name() + " takes " + info.valueCount() + " value"
                    + (info.valueCount() == 1 ? "" : "s") + ", got " + values.size());
        }
        fixed = List.copyOf(values);
    }

    void resume() {
        fixed = null;
    }

    boolean isFixed() {
        return fixed != null;
    }

    /** A physical value as the integer the sensor reports: value / 10^scale, rounded. */
    long raw(double value) {
        return Math.round(value / unit);
    }
}
