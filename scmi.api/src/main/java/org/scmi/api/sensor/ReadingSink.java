package org.scmi.api.sensor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a driver puts one sample of a sensor during {@link SensorDriver#readInto}: the value of
 * each axis in axis order (the one value of a scalar sensor) and, if the hardware tells, when the
 * sample was taken. The protocol owns it and reuses it from one read to the next, so a driver
 * writes during the call and keeps no reference to it afterwards.
 *
 * <p>The protocol writes what it is given straight into the agent's response (or delayed response,
 * or notification) and checks it when the read returns: a sample with a value missing or one too
 * many is not sent, the agent gets HARDWARE_ERROR instead.
 */
@ProviderType
public interface ReadingSink {

    /**
     * The value of the next axis (of the sensor, if it is scalar), in the sensor's or axis' unit
     * and scale: the integer SCMI carries.
     */
    void value(long value);

    /**
     * When the sample was taken, in microseconds since the Unix epoch (UTC). Optional: without it
     * the protocol stamps the sample with its own clock when {@code readInto} returns, which is
     * right for a sensor read on the spot; a driver that reads buffered or earlier samples says
     * when they were taken. Agents see timestamps of sensors described as {@link
     * SensorInfo#timestamped() timestamped} once they turn timestamp reporting on.
     */
    void timestampMicros(long epochMicros);
}
