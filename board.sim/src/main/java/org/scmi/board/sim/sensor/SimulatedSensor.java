package org.scmi.board.sim.sensor;

import java.time.Duration;
import java.util.ArrayList;
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
    private volatile List<Double> fixed;

    SimulatedSensor(SensorInfo info, List<Signal> signals, Duration readDelay) {
        if (signals.size() != info.valueCount()) {
            throw new IllegalArgumentException(info.name() + " needs " + info.valueCount() + " signals");
        }
        this.info = info;
        this.signals = List.copyOf(signals);
        this.readDelay = readDelay;
    }

    SensorInfo info() {
        return info;
    }

    Duration readDelay() {
        return readDelay;
    }

    /** The physical values {@code seconds} after the board started: fixed ones, or the signals'. */
    List<Double> valuesAt(double seconds) {
        List<Double> held = fixed;
        if (held != null) {
            return held;
        }
        List<Double> values = new ArrayList<>(signals.size());
        for (Signal signal : signals) {
            values.add(signal.at(seconds));
        }
        return values;
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
        return Math.round(value / Math.pow(10, info.scale()));
    }
}
