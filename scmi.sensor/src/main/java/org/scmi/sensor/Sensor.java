package org.scmi.sensor;

import java.io.IOException;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
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

    /**
     * Reads the sensor on the calling thread into {@code sample} and checks the driver's answer
     * ({@link ReadingWriter#check}).
     *
     * @throws ScmiException the status the agent gets instead of a reading
     */
    void readInto(ReadingWriter sample) throws ScmiException {
        if (driver == null) {
            throw new ScmiException(ScmiStatus.HARDWARE_ERROR, "the driver of sensor " + uid + " is not available");
        }
        ScmiStatus status;
        try {
            status = driver.readInto(info.key(), sample.clear());
        } catch (IOException e) {
            throw new ScmiException(ScmiStatus.HARDWARE_ERROR, "sensor " + uid + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ScmiException(ScmiStatus.HARDWARE_ERROR, "driver failed reading " + uid + ": " + e);
        }
        sample.check(this, status);
    }
}
