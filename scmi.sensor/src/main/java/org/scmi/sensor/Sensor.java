package org.scmi.sensor;

import java.io.IOException;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorReading;
import org.scmi.support.NumberedResources;

/**
 * A sensor in the merged list. Its id is its position in the list an agent sees ({@link
 * SensorList#seenBy}), never a property of the sensor.
 *
 * @param uid key across drivers: driver key, '/', sensor key; agents' settings are kept by it
 * @param driver the driver that reads it, or null while that driver is away
 * @param info what the driver said about it
 */
record Sensor(String uid, SensorDriver driver, SensorInfo info) implements NumberedResources.Named {

    @Override
    public String name() {
        return info.name();
    }

    @Override
    public String settingKey() {
        return uid;
    }

    /** Reads the sensor on the calling thread; checks the driver answered one value per axis. */
    SensorReading read() throws IOException {
        if (driver == null) {
            throw new IOException("the driver of sensor " + uid + " is not available");
        }
        SensorReading reading;
        try {
            reading = driver.read(info.key());
        } catch (RuntimeException e) {
            throw new IOException("driver failed reading " + uid + ": " + e, e);
        }
        if (reading == null || reading.values().size() != info.valueCount()) {
            throw new IOException("driver returned " + (reading == null ? "no reading" : reading.values().size()
                    + " values") + " for sensor " + uid + " of " + info.valueCount());
        }
        return reading;
    }
}
