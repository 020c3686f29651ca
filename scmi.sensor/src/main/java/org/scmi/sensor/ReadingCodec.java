package org.scmi.sensor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorReading;

/**
 * Sensor readings as READING_GET, its delayed response and SENSOR_UPDATE carry them: per axis (one
 * for a scalar sensor) a signed 64-bit value and a 64-bit timestamp, each as two words low first.
 */
final class ReadingCodec {
    static final int READING_SIZE = 16;
    /**
     * Timestamps are microseconds since the Unix epoch: the descriptor's timestamp exponent (a power
     * of ten of seconds) is -6. A timestamp is 0 while the agent has timestamp reporting off.
     */
    static final int TIMESTAMP_EXPONENT = -6;

    private ReadingCodec() {
    }

    static int size(SensorInfo info) {
        return READING_SIZE * info.valueCount();
    }

    static void write(Reply reply, SensorReading reading, boolean timestamps) throws ScmiException {
        long timestamp = timestamps ? ChronoUnit.MICROS.between(Instant.EPOCH, reading.timestamp()) : 0;
        for (int axis = 0; axis < reading.values().size(); axis++) {
            write(reply, reading.values().get(axis), timestamp);
        }
    }

    /** One axis' reading: its value and the sample's timestamp (0 when not reported). */
    static void write(Reply reply, long value, long timestamp) throws ScmiException {
        reply.u64(value).u64(timestamp);
    }
}
