package org.scmi.sensor;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorListener;
import org.scmi.api.sensor.SensorReading;

/**
 * A driver whose values the test sets; reads of chosen sensors block until released, answering
 * then with the value they sampled when they began.
 */
final class FakeDriver implements SensorDriver {
    static final Instant SAMPLE_TIME = Instant.parse("2026-01-02T03:04:05.123456Z");

    private final String key;
    private volatile List<SensorInfo> sensors;
    private final Map<String, List<Long>> values = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, Boolean> broken = new ConcurrentHashMap<>();
    final List<SensorListener> listeners = new CopyOnWriteArrayList<>();
    final List<String> reads = new CopyOnWriteArrayList<>();

    FakeDriver(String key, SensorInfo... sensors) {
        this.key = key;
        this.sensors = List.of(sensors);
        for (SensorInfo info : sensors) {
            List<Long> initial = new ArrayList<>();
            for (int i = 0; i < info.valueCount(); i++) {
                initial.add(0L);
            }
            values.put(info.key(), initial);
        }
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
    public SensorReading read(String sensorKey) throws IOException {
        List<Long> sampled = values.get(sensorKey);
        reads.add(sensorKey);
        CountDownLatch gate = gates.get(sensorKey);
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        if (broken.getOrDefault(sensorKey, false)) {
            throw new IOException("sensor " + sensorKey + " does not answer");
        }
        return new SensorReading(sampled, SAMPLE_TIME);
    }

    void set(String sensorKey, long... newValues) {
        List<Long> list = new ArrayList<>();
        for (long v : newValues) {
            list.add(v);
        }
        values.put(sensorKey, list);
    }

    /** Sets a value and tells the listeners, as a driver with its own sampling does. */
    void push(String sensorKey, long value) {
        set(sensorKey, value);
        listeners.forEach(l -> l.readingChanged(this, sensorKey, new SensorReading(List.of(value), SAMPLE_TIME)));
    }

    /** Makes reads of a sensor block until the returned latch counts down. */
    CountDownLatch hold(String sensorKey) {
        CountDownLatch gate = new CountDownLatch(1);
        gates.put(sensorKey, gate);
        return gate;
    }

    void breakSensor(String sensorKey) {
        broken.put(sensorKey, true);
    }

    void replaceSensors(SensorInfo... newSensors) {
        sensors = List.of(newSensors);
        listeners.forEach(l -> l.sensorsChanged(this));
    }

    @Override
    public void addListener(SensorListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(SensorListener listener) {
        listeners.remove(listener);
    }
}
