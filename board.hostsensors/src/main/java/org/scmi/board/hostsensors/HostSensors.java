package org.scmi.board.hostsensors;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's real sensors (Linux hwmon and IIO in sysfs) as an SCMI sensor driver, so guests see
 * the host's readings. Sensors are found when the component starts and whenever its
 * configuration changes; each read goes to sysfs. Off until configured: the server's default board is
 * the simulated one, and a configuration (even an empty one) for {@value #PID} adds the host's sensors.
 */
@Component(configurationPid = HostSensors.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HostSensors.Config.class)
public final class HostSensors implements SensorDriver {
    static final String PID = "org.scmi.board.hostsensors";
    /** Driver key: orders host sensors among other drivers' ones. */
    static final String KEY = "host";
    private static final Logger LOG = LoggerFactory.getLogger(HostSensors.class);

    @ObjectClassDefinition(id = PID, name = "Host sensors",
            description = "Offers the host's Linux hwmon and IIO sensors to guests as SCMI sensors")
    public @interface Config {
        @AttributeDefinition(name = "sysfs root", description = "Where sysfs is mounted")
        String sysfsRoot() default "/sys";

        @AttributeDefinition(name = "Include", description = "Glob patterns of sensor names or keys to offer, "
                + "e.g. coretemp_* or hwmon/nvme/*")
        String[] include() default {"*"};

        @AttributeDefinition(name = "Exclude", description = "Glob patterns of sensor names or keys to leave out",
                required = false)
        String[] exclude() default {};

        @AttributeDefinition(name = "Asynchronous reads", description = "Let guests read these sensors "
                + "asynchronously (for sensors that take long to read, such as disk temperatures)")
        boolean asyncReads() default false;
    }

    private final List<SensorListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, HostSensor> sensors = Map.of();

    @Activate
    public HostSensors(Config config) {
        scan(config);
    }

    @Modified
    void modified(Config config) {
        scan(config);
        listeners.forEach(listener -> listener.sensorsChanged(this));
    }

    private void scan(Config config) {
        Path root = Path.of(config.sysfsRoot());
        SensorFilter filter = new SensorFilter(config.include(), config.exclude());
        List<HostSensor> found = new ArrayList<>();
        try {
            found.addAll(HwmonScanner.scan(root));
            found.addAll(IioScanner.scan(root));
        } catch (IOException e) {
            LOG.error("scanning host sensors under {} failed: {}", root, e.toString());
        }
        List<HostSensor> offered = found.stream()
                .filter(s -> filter.accepts(s.info().name(), s.info().key()))
                .map(s -> config.asyncReads() ? new HostSensor(slow(s.info()), s.reader()) : s)
                .toList();
        sensors = offered.stream().collect(Collectors.toMap(s -> s.info().key(), Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
        if (found.isEmpty()) {
            LOG.info("no host sensors found under {} (no hwmon or IIO devices); offering none", root);
        } else {
            LOG.info("host sensors: offering {} of {} found under {}: {}", offered.size(), found.size(), root,
                    offered.stream().map(s -> s.info().name()).toList());
        }
    }

    private static SensorInfo slow(SensorInfo info) {
        return new SensorInfo(info.key(), info.name(), info.unit(), info.scale(), info.updateIntervals(),
                info.tripPoints(), true, info.timestamped(), info.powerMicrowatts(), info.range(), info.axes());
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public List<SensorInfo> sensors() {
        return sensors.values().stream().map(HostSensor::info).toList();
    }

    @Override
    public SensorReading read(String sensorKey) throws IOException {
        HostSensor sensor = sensors.get(sensorKey);
        if (sensor == null) {
            throw new IllegalArgumentException("no host sensor " + sensorKey);
        }
        return new SensorReading(sensor.reader().read(), Instant.now());
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
