package org.scmi.api.sensor;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.scmi.api.ScmiStatus;

/**
 * A board's sensors, registered as an OSGi service by a driver bundle. Several drivers can be
 * present at once; the Sensor management protocol orders them by {@link #key()}.
 *
 * <p>Agents' reads reach the driver through {@link #readInto}, which the protocol calls with a
 * sink it reuses; a driver that implements it without allocating serves sensor reads without
 * garbage. A driver that implements only {@link #read} works unchanged: {@code readInto} then
 * adapts what {@code read} returns.
 */
@ConsumerType
public interface SensorDriver {

    /**
     * A key naming this driver, unique among drivers and stable across restarts (for example the
     * bundle's purpose: {@code "sim"}, {@code "host"}). It orders drivers in the merged sensor list.
     */
    String key();

    /** The sensors, in a stable order; sensor keys are unique within the driver. */
    List<SensorInfo> sensors();

    /**
     * Reads a sensor now, as a reading of its own. May block for as long as the hardware takes. The
     * protocol reads through {@link #readInto}, whose default calls this method, so a driver that
     * implements {@code readInto} itself only needs this one for its own uses (say, the readings it
     * pushes to {@link SensorListener}s).
     *
     * @return one value per axis (one for a scalar sensor)
     * @throws IOException if the hardware cannot be read (the agent sees HARDWARE_ERROR)
     * @throws IllegalArgumentException if the key is not one of {@link #sensors()}
     */
    SensorReading read(String sensorKey) throws IOException;

    /**
     * Reads a sensor now and puts the sample into {@code sink}: a value per axis, in axis order,
     * and its timestamp if the driver knows it (see {@link ReadingSink}). This is the call that
     * serves agents' reads (synchronous on the serving thread, asynchronous on a thread of the
     * protocol's), so an implementation should neither allocate nor, unless the sensor is
     * {@link SensorInfo#slowRead() slow}, block.
     *
     * <p>What a read that yields no sample answers is the returned status, so that an outcome a
     * sensor has in normal operation costs no exception:
     * <ul>
     * <li>{@link ScmiStatus#SUCCESS}: {@code sink} holds the sample;
     * <li>{@link ScmiStatus#BUSY}: the sensor cannot be read at the moment (a conversion in
     * progress); the agent may ask again;
     * <li>{@link ScmiStatus#NOT_SUPPORTED}: the sensor cannot be read on request (it only reports
     * by itself, or is switched off);
     * <li>{@link ScmiStatus#HARDWARE_ERROR}: the hardware did not answer or answered garbage.
     * </ul>
     * The agent gets that status. Any other status, an exception, or a sample with a value too few
     * or too many is a driver fault: the agent gets HARDWARE_ERROR.
     *
     * <p>The default reads through {@link #read} and copies the reading into the sink (its
     * timestamp included), allocating what {@code read} allocates.
     *
     * @throws IOException if the hardware fails in a way worth its own message (the agent sees
     *     HARDWARE_ERROR)
     * @throws IllegalArgumentException if the key is not one of {@link #sensors()}
     * @since 1.1
     */
    default ScmiStatus readInto(String sensorKey, ReadingSink sink) throws IOException {
        SensorReading reading = read(sensorKey);
        if (reading == null) {
            return ScmiStatus.HARDWARE_ERROR;
        }
        List<Long> values = reading.values();
        for (int axis = 0; axis < values.size(); axis++) {
            sink.value(values.get(axis));
        }
        sink.timestampMicros(ChronoUnit.MICROS.between(Instant.EPOCH, reading.timestamp()));
        return ScmiStatus.SUCCESS;
    }

    /** Starts telling {@code listener} about new readings and sensor list changes. */
    void addListener(SensorListener listener);

    /** Stops telling {@code listener}; after it returns the driver no longer calls it. */
    void removeListener(SensorListener listener);
}
