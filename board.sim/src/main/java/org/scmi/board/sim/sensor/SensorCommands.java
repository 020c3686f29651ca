package org.scmi.board.sim.sensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorReading;

/** Shell commands (scope {@code scmi}) to look at and steer the simulated sensors. */
@Component(service = SensorCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=sensors",
    "osgi.command.function=sensorSet",
    "osgi.command.function=sensorAuto"
})
public final class SensorCommands {
    private final SimulatedSensors board;

    @Activate
    public SensorCommands(@Reference SimulatedSensors board) {
        this.board = board;
    }

    @Descriptor("list the simulated sensors with their current values")
    public String sensors() {
        StringBuilder table = new StringBuilder(String.format("%-16s %-26s %-24s %-6s %s%n", "NAME", "UNIT",
                "VALUE", "MODE", "READ DELAY"));
        for (SimulatedSensor sensor : board.current()) {
            SensorInfo info = sensor.info();
            table.append(String.format("%-16s %-26s %-24s %-6s %d ms%n", info.name(), info.unit(),
                    physical(sensor, board.reading(sensor)), sensor.isFixed() ? "fixed" : "moving",
                    sensor.readDelay().toMillis()));
        }
        return table.toString();
    }

    @Descriptor("hold a simulated sensor at a value (one per axis), in its physical unit")
    public String sensorSet(
            @Descriptor("sensor name, as 'sensors' lists it") String name,
            @Descriptor("value(s), e.g. 85.5 for °C or 0 0 9.81 for an accelerometer") double... values) {
        SimulatedSensor sensor = board.find(name).orElse(null);
        if (sensor == null) {
            return "no simulated sensor '" + name + "'; type 'sensors' to list them";
        }
        List<Double> list = new ArrayList<>();
        for (double value : values) {
            list.add(value);
        }
        try {
            board.fix(sensor, list);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return sensor.info().name() + " held at " + physical(sensor, board.reading(sensor))
                + "; 'sensorAuto " + sensor.info().name() + "' lets it move again";
    }

    @Descriptor("let a simulated sensor follow its configured signal again")
    public String sensorAuto(@Descriptor("sensor name, as 'sensors' lists it") String name) {
        SimulatedSensor sensor = board.find(name).orElse(null);
        if (sensor == null) {
            return "no simulated sensor '" + name + "'; type 'sensors' to list them";
        }
        board.resume(sensor);
        return sensor.info().name() + " moves again";
    }

    private static String physical(SimulatedSensor sensor, SensorReading reading) {
        double step = Math.pow(10, sensor.info().scale());
        return String.join(" ", reading.values().stream()
                .map(raw -> String.format(Locale.ROOT, "%.3f", raw * step)).toList());
    }
}
