package org.scmi.sensor;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.scmi.api.ScmiStatus;
import org.scmi.api.sensor.ReadingSink;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorListener;
import org.scmi.api.sensor.SensorReading;

/**
 * A driver written against {@link SensorDriver#readInto}: each read of a sensor runs the answer
 * the test gave it. Its {@code read} fails, so a test also shows that the protocol reads through
 * {@code readInto} only.
 */
final class SinkDriver implements SensorDriver {

    /** What a read of one sensor does with the sink, and the status it returns. */
    @FunctionalInterface
    interface Answer {
        ScmiStatus write(ReadingSink sink) throws IOException;
    }

    private final String key;
    private final List<SensorInfo> sensors;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    SinkDriver(String key, SensorInfo... sensors) {
        this.key = key;
        this.sensors = List.of(sensors);
    }

    /** Reads of {@code sensorKey} run {@code answer} from now on. */
    void answer(String sensorKey, Answer answer) {
        answers.put(sensorKey, answer);
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public List<SensorInfo> sensors() {
        return sensors;
    }

    @Override
    public ScmiStatus readInto(String sensorKey, ReadingSink sink) throws IOException {
        Answer answer = answers.get(sensorKey);
        if (answer == null) {
            throw new IllegalArgumentException("no answer for " + sensorKey);
        }
        return answer.write(sink);
    }

    @Override
    public SensorReading read(String sensorKey) {
        throw new UnsupportedOperationException("this driver is read through readInto");
    }

    @Override
    public void addListener(SensorListener listener) {
    }

    @Override
    public void removeListener(SensorListener listener) {
    }
}
