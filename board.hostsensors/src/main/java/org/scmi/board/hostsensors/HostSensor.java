package org.scmi.board.hostsensors;

import java.io.IOException;
import java.util.List;
import org.scmi.api.sensor.SensorInfo;

/**
 * A host sensor found in sysfs: how agents see it, and how to read it.
 *
 * @param info the sensor as agents see it
 * @param reader reads the current values, one per axis
 */
record HostSensor(SensorInfo info, ValueReader reader) {

    /** Reads a sensor's current values from sysfs. */
    @FunctionalInterface
    interface ValueReader {
        List<Long> read() throws IOException;
    }
}
