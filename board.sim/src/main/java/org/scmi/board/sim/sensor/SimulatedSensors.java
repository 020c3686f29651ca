package org.scmi.board.sim.sensor;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorListener;
import org.scmi.api.sensor.SensorReading;
import org.scmi.api.state.AgentStateStore;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.scmi.board.sim.file.BoardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's sensors, from the {@code "sensors"} array of the board file (or the
 * built-in board). Values follow their signals unless an operator fixed them from the shell; a
 * sensor with a read delay takes that long to read, which makes agents read it asynchronously.
 * A new configuration replaces the sensors and tells the protocol.
 *
 * <p>The signals' time base and the values an operator fixed are the simulated hardware: they are
 * kept in {@link BoardState} ({@value #EPOCH}, and {@value #FIXED} followed by the sensor key), so
 * an update of this bundle neither restarts the signals nor lets go of a held sensor.
 */
@Component(configurationPid = BoardFile.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {SensorDriver.class, SimulatedSensors.class})
@Designate(ocd = SimulatedSensors.Config.class)
public final class SimulatedSensors implements SensorDriver {
    /** Driver key: orders the simulated sensors among other drivers' ones. */
    static final String KEY = "sim";
    /** The state store slot of sensor hardware: the Sensor management protocol's id. */
    static final int SENSOR_PROTOCOL_ID = 0x15;
    /** When the signals started, in {@link System#nanoTime()} terms (one clock for the whole JVM). */
    static final String EPOCH = "epoch";
    static final String FIXED = "fixed/";
    private static final String VALUE_SEPARATOR = ",";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedSensors.class);

    /** The board file setting every part of the simulated board reads; described here once for the bundle. */
    @ObjectClassDefinition(id = BoardFile.PID, name = "Simulated board",
            description = "Clocks, power domains, sensors, system power, reset lines, supplies, pins, performance "
                    + "domains and powercap zones of the simulated board, from a JSON board file")
    public @interface Config {
        @AttributeDefinition(name = "Board file", description = "Path of a JSON board file (\"clocks\", "
                + "\"powerDomains\", \"sensors\", \"systemPower\", \"resetDomains\", \"voltageDomains\", the pin "
                + "arrays, \"performanceDomains\", \"powercapZones\"); empty for the built-in board")
        String file() default "";
    }

    private final List<SensorListener> listeners = new CopyOnWriteArrayList<>();
    private final AgentStateStore store;
    private volatile List<SimulatedSensor> sensors = List.of();
    private volatile BoardState state;
    private volatile long startNanos;

    /** @param store where the sensors' state is kept across updates of this bundle */
    @Activate
    public SimulatedSensors(Config config, @Reference AgentStateStore store) {
        this.store = store;
        load(config);
    }

    @Modified
    void modified(Config config) {
        if (load(config)) {
            listeners.forEach(listener -> listener.sensorsChanged(this));
        }
    }

    /** Loads the board; keeps the current sensors if the file cannot be used. */
    private boolean load(Config config) {
        String source = config.file().isBlank() ? "built-in board" : config.file();
        try {
            List<SimulatedSensor> loaded = SensorBoardParser.parse(BoardFile.read(config.file()));
            restore(loaded);
            sensors = loaded;
            LOG.info("simulated board: {} sensors from {}", loaded.size(), source);
            return true;
        } catch (BoardFileException e) {
            LOG.error("simulated board sensors not changed: {}", e.getMessage());
            return false;
        }
    }

    /** Takes up the kept time base and held values, if they were kept for these sensors. */
    private void restore(List<SimulatedSensor> loaded) {
        BoardState kept = BoardState.open(store, SENSOR_PROTOCOL_ID,
                loaded.stream().map(SimulatedSensor::info).toList());
        long epoch = kept.get(EPOCH).map(Long::parseLong).orElseGet(System::nanoTime);
        kept.put(EPOCH, Long.toString(epoch));
        for (SimulatedSensor sensor : loaded) {
            kept.get(FIXED + sensor.info().key()).ifPresent(values -> sensor.fix(
                    Arrays.stream(values.split(VALUE_SEPARATOR)).map(Double::valueOf).toList()));
        }
        startNanos = epoch;
        state = kept;
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public List<SensorInfo> sensors() {
        return sensors.stream().map(SimulatedSensor::info).toList();
    }

    @Override
    public SensorReading read(String sensorKey) throws IOException {
        SimulatedSensor sensor = find(sensorKey)
                .orElseThrow(() -> new IllegalArgumentException("no simulated sensor " + sensorKey));
        if (!sensor.readDelay().isZero()) {
            try {
                Thread.sleep(sensor.readDelay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("read of " + sensorKey + " interrupted", e);
            }
        }
        return reading(sensor);
    }

    @Override
    public void addListener(SensorListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(SensorListener listener) {
        listeners.remove(listener);
    }

    /** The sensors as they are now, for the shell. */
    List<SimulatedSensor> current() {
        return sensors;
    }

    /** A sensor by key or name. */
    Optional<SimulatedSensor> find(String keyOrName) {
        // Loops, not streams: every read looks its sensor up.
        List<SimulatedSensor> all = sensors;
        for (SimulatedSensor sensor : all) {
            if (sensor.info().key().equals(keyOrName)) {
                return Optional.of(sensor);
            }
        }
        for (SimulatedSensor sensor : all) {
            if (sensor.info().name().equals(keyOrName)) {
                return Optional.of(sensor);
            }
        }
        return Optional.empty();
    }

    /** Holds a sensor at physical values and tells the protocol at once (trip points fire now). */
    void fix(SimulatedSensor sensor, List<Double> values) {
        sensor.fix(values);
        state.put(FIXED + sensor.info().key(),
                String.join(VALUE_SEPARATOR, values.stream().map(String::valueOf).toList()));
        SensorReading reading = reading(sensor);
        listeners.forEach(listener -> listener.readingChanged(this, sensor.info().key(), reading));
    }

    /** Lets a held sensor follow its signal again. */
    void resume(SimulatedSensor sensor) {
        sensor.resume();
        state.put(FIXED + sensor.info().key(), null);
    }

    /** The sensor's current values, as the integers it reports. */
    SensorReading reading(SimulatedSensor sensor) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Long[] raw = new Long[sensor.valueCount()];
        for (int axis = 0; axis < raw.length; axis++) {
            raw[axis] = sensor.raw(sensor.valueAt(axis, seconds));
        }
        return new SensorReading(List.of(raw), Instant.now());
    }
}
