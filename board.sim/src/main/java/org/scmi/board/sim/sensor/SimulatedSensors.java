package org.scmi.board.sim.sensor;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorListener;
import org.scmi.api.sensor.SensorReading;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated board's sensors, from the {@code "sensors"} array of the board file (or the
 * built-in board). Values follow their signals unless an operator fixed them from the shell; a
 * sensor with a read delay takes that long to read, which makes agents read it asynchronously.
 * A new configuration replaces the sensors and tells the protocol.
 */
@Component(configurationPid = BoardFile.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {SensorDriver.class, SimulatedSensors.class})
@Designate(ocd = SimulatedSensors.Config.class)
public final class SimulatedSensors implements SensorDriver {
    /** Driver key: orders the simulated sensors among other drivers' ones. */
    static final String KEY = "sim";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedSensors.class);

    /** The board file setting every part of the simulated board reads; described here once for the bundle. */
    @ObjectClassDefinition(id = BoardFile.PID, name = "Simulated board",
            description = "Clocks, power domains and sensors of the simulated board, from a JSON board file")
    public @interface Config {
        @AttributeDefinition(name = "Board file", description = "Path of a JSON file with \"clocks\", "
                + "\"powerDomains\" and \"sensors\" arrays; empty for the built-in board")
        String file() default "";
    }

    private final long startNanos = System.nanoTime();
    private final List<SensorListener> listeners = new CopyOnWriteArrayList<>();
    private volatile List<SimulatedSensor> sensors = List.of();

    @Activate
    public SimulatedSensors(Config config) {
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
            sensors = SensorBoardParser.parse(BoardFile.read(config.file()));
            LOG.info("simulated board: {} sensors from {}", sensors.size(), source);
            return true;
        } catch (BoardFileException e) {
            LOG.error("simulated board sensors not changed: {}", e.getMessage());
            return false;
        }
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
        List<SimulatedSensor> all = sensors;
        return all.stream().filter(s -> s.info().key().equals(keyOrName)).findFirst()
                .or(() -> all.stream().filter(s -> s.info().name().equals(keyOrName)).findFirst());
    }

    /** Holds a sensor at physical values and tells the protocol at once (trip points fire now). */
    void fix(SimulatedSensor sensor, List<Double> values) {
        sensor.fix(values);
        SensorReading reading = reading(sensor);
        listeners.forEach(listener -> listener.readingChanged(this, sensor.info().key(), reading));
    }

    /** The sensor's current values, as the integers it reports. */
    SensorReading reading(SimulatedSensor sensor) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new SensorReading(sensor.valuesAt(seconds).stream().map(sensor::raw).toList(), Instant.now());
    }
}
