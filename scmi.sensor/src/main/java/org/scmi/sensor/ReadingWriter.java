package org.scmi.sensor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.sensor.ReadingSink;
import org.scmi.api.sensor.SensorReading;

/**
 * The sink a driver's {@code readInto} writes one sample into, reused from read to read: it keeps
 * the values (as many as the largest sensor it serves has axes) and the timestamp until the
 * protocol has checked them ({@link #check}) and written them into the agent's reply ({@link
 * #writeTo}). Nothing is allocated on the way, and nothing of a sample that fails the check reaches
 * the agent.
 *
 * <p>Outcomes a driver reports by status are answered with one shared exception each: they are
 * normal events of a sensor and cost no allocation either.
 *
 * <p>Threads: one read at a time. The protocol lends writers to synchronous reads ({@link
 * SampleWriters}) and makes one for each read it does elsewhere (asynchronous reads, sampling).
 */
final class ReadingWriter implements ReadingSink {
    private static final ScmiException BUSY = driverSays(ScmiStatus.BUSY);
    private static final ScmiException NOT_SUPPORTED = driverSays(ScmiStatus.NOT_SUPPORTED);
    private static final ScmiException HARDWARE_ERROR = driverSays(ScmiStatus.HARDWARE_ERROR);
    private static final long MICROS_PER_SECOND = 1_000_000;
    private static final long NANOS_PER_MICRO = 1_000;

    private final long[] values;
    private final EpochMicros clock;
    /** Values the driver gave in this read, kept or not: one past the capacity means too many. */
    private int count;
    private boolean stamped;
    private long timestamp;

    /** A writer for sensors of up to {@code capacity} values (axes, or one). */
    ReadingWriter(int capacity, EpochMicros clock) {
        this.values = new long[capacity];
        this.clock = clock;
    }

    /** Empties the writer for the next read. */
    ReadingWriter clear() {
        count = 0;
        stamped = false;
        return this;
    }

    @Override
    public void value(long value) {
        if (count < values.length) {
            values[count] = value;
        }
        if (count <= values.length) {
            count++;
        }
    }

    @Override
    public void timestampMicros(long epochMicros) {
        timestamp = epochMicros;
        stamped = true;
    }

    /**
     * Checks what the driver of {@code sensor} answered: its status, then one value per axis and a
     * timestamp, if it gave one, at or after the epoch.
     *
     * @throws ScmiException with the driver's status (BUSY, NOT_SUPPORTED, HARDWARE_ERROR), or
     *     HARDWARE_ERROR for an answer outside the driver contract
     */
    void check(Sensor sensor, ScmiStatus status) throws ScmiException {
        if (status != ScmiStatus.SUCCESS) {
            throw switch (status) {
                case BUSY -> BUSY;
                case NOT_SUPPORTED -> NOT_SUPPORTED;
                case HARDWARE_ERROR -> HARDWARE_ERROR;
                case null, default -> new ScmiException(ScmiStatus.HARDWARE_ERROR, "the driver of sensor "
                        + sensor.uid() + " answered " + status + ", which a read cannot");
            };
        }
        int expected = sensor.info().valueCount();
        if (count != expected) {
            throw new ScmiException(ScmiStatus.HARDWARE_ERROR, "the driver of sensor " + sensor.uid() + " gave "
                    + (count > values.length ? "more than " + values.length : count) + " values of " + expected);
        }
        if (stamped && timestamp < 0) {
            throw new ScmiException(ScmiStatus.HARDWARE_ERROR, "the driver of sensor " + sensor.uid()
                    + " stamped a sample before the epoch: " + timestamp + " µs");
        }
    }

    /** The first axis' value (the value of a scalar sensor) of a checked sample. */
    long first() {
        return values[0];
    }

    /**
     * Writes the checked sample into {@code reply} as readings (see {@link ReadingCodec}), with its
     * timestamp if the agent turned timestamps on.
     *
     * @throws ScmiException COMMS_ERROR if the agent's buffer cannot take them
     */
    void writeTo(Reply reply, boolean timestamps) throws ScmiException {
        long micros = timestamps ? timestamp() : 0;
        for (int axis = 0; axis < count; axis++) {
            ReadingCodec.write(reply, values[axis], micros);
        }
    }

    /** The checked sample as a reading of its own, for the paths that keep or pass it on. */
    SensorReading toReading() {
        List<Long> kept = new ArrayList<>(count);
        for (int axis = 0; axis < count; axis++) {
            kept.add(values[axis]);
        }
        long micros = timestamp();
        return new SensorReading(kept, Instant.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND),
                Math.floorMod(micros, MICROS_PER_SECOND) * NANOS_PER_MICRO));
    }

    /**
     * When the checked sample was taken: the driver's timestamp, or else now, which is when its
     * {@code readInto} returned as far as an agent can tell (the clock is read only for a sample
     * whose timestamp is asked for).
     */
    private long timestamp() {
        if (!stamped) {
            timestampMicros(clock.now());
        }
        return timestamp;
    }

    private static ScmiException driverSays(ScmiStatus status) {
        return new ScmiException(status, "the sensor's driver answered " + status);
    }
}
