package org.scmi.api.sensor;

import java.io.IOException;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A board's sensors, registered as an OSGi service by a driver bundle. Several drivers can be
 * present at once; the Sensor management protocol orders them by {@link #key()}.
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
     * Reads a sensor now. May block for as long as the hardware takes; the protocol never calls it
     * on a thread that serves other requests when the sensor is {@link SensorInfo#slowRead() slow}.
     *
     * @return one value per axis (one for a scalar sensor)
     * @throws IOException if the hardware cannot be read (the agent sees HARDWARE_ERROR)
     * @throws IllegalArgumentException if the key is not one of {@link #sensors()}
     */
    SensorReading read(String sensorKey) throws IOException;

    /** Starts telling {@code listener} about new readings and sensor list changes. */
    void addListener(SensorListener listener);

    /** Stops telling {@code listener}; after it returns the driver no longer calls it. */
    void removeListener(SensorListener listener);
}
