package org.scmi.api.sensor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a driver tells the Sensor management protocol. The protocol checks each agent's trip
 * points against every reading it learns of, and sends continuous updates at each agent's
 * interval. Calls never block; a driver may call from any thread.
 */
@ProviderType
public interface SensorListener {

    /**
     * A sensor has a new value the driver learned of by itself (a hardware sample, a value set by
     * an operator). Drivers that only read on request need not call it: the protocol polls the
     * sensors that agents watch.
     */
    void readingChanged(SensorDriver driver, String sensorKey, SensorReading reading);

    /** The driver's sensor list changed (new configuration): the protocol re-reads it. */
    void sensorsChanged(SensorDriver driver);
}
