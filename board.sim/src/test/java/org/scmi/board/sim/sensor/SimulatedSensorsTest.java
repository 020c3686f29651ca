package org.scmi.board.sim.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiStatus;
import org.scmi.api.sensor.ReadingSink;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorListener;
import org.scmi.api.sensor.SensorReading;
import org.scmi.api.sensor.SensorUnit;
import org.scmi.core.AgentStates;
import org.scmi.virtio.ring.testing.SteadyStateAllocation;

class SimulatedSensorsTest {
    private final AgentStates store = new AgentStates();
    @TempDir
    Path dir;

    private final List<String> events = new ArrayList<>();
    private final SensorListener listener = new SensorListener() {
        @Override
        public void readingChanged(SensorDriver driver, String sensorKey, SensorReading reading) {
            events.add(sensorKey + "=" + reading.values());
        }

        @Override
        public void sensorsChanged(SensorDriver driver) {
            events.add("changed");
        }
    };

    static SimulatedSensors.Config config(String file) {
        return new SimulatedSensors.Config() {
            @Override
            public String file() {
                return file;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return SimulatedSensors.Config.class;
            }
        };
    }

    @Test
    void builtInBoardHasTheDocumentedSensors() throws IOException {
        SimulatedSensors board = new SimulatedSensors(config(""), store);
        assertEquals("sim", board.key());
        assertEquals(List.of("soc_temp", "ddr_controller_temperature", "vdd_core", "board_power", "accel"),
                board.sensors().stream().map(SensorInfo::name).toList());
        SensorInfo accel = board.sensors().get(4);
        assertEquals(List.of("accel_X", "accel_Y", "accel_Z"), accel.axes().stream().map(a -> a.name()).toList());
        assertEquals(SensorUnit.METERS_PER_SECOND_SQUARED, accel.axes().getFirst().unit());
        assertTrue(accel.timestamped());

        long millidegrees = board.read("soc_temp").value();
        assertTrue(millidegrees > 30_000 && millidegrees < 60_000, "plausible SoC temperature: " + millidegrees);
        long z = board.read("accel").values().get(2);
        assertTrue(Math.abs(z - 9_806_650) < 100_000, "gravity on Z in µm/s²: " + z);
        assertTrue(board.sensors().get(3).slowRead(), "board_power is read asynchronously");
    }

    @Test
    void slowSensorsTakeTheirDelay() throws IOException {
        SimulatedSensors board = new SimulatedSensors(config(""), store);
        long start = System.nanoTime();
        board.read("board_power");
        assertTrue(System.nanoTime() - start >= 50_000_000L);
    }

    @Test
    void readingIntoASinkGivesEveryAxisAndAllocatesNothing() throws Exception {
        SimulatedSensors board = new SimulatedSensors(config(""), store);
        board.fix(board.find("accel").orElseThrow(), List.of(0.25, -0.5, 9.80665));
        List<Long> values = new ArrayList<>();
        ReadingSink keeping = new ReadingSink() {
            @Override
            public void value(long value) {
                values.add(value);
            }

            @Override
            public void timestampMicros(long epochMicros) {
                throw new AssertionError("the simulated board leaves timestamps to the protocol");
            }
        };
        assertEquals(ScmiStatus.SUCCESS, board.readInto("accel", keeping));
        assertEquals(List.of(250_000L, -500_000L, 9_806_650L), values);
        assertThrows(IllegalArgumentException.class, () -> board.readInto("no_such_sensor", keeping));

        long[] seen = {0, 0};
        ReadingSink counting = new ReadingSink() {
            @Override
            public void value(long value) {
                seen[0]++;
                seen[1] += value;
            }

            @Override
            public void timestampMicros(long epochMicros) {
            }
        };
        long allocated = SteadyStateAllocation.of(() -> {
            board.readInto("soc_temp", counting);
            board.readInto("accel", counting);
        });
        assertTrue(allocated < SteadyStateAllocation.MEASURED, allocated + " bytes allocated for "
                + SteadyStateAllocation.MEASURED + " pairs of reads");
        assertEquals(4L * (SteadyStateAllocation.WARM_UP + SteadyStateAllocation.MEASURED), seen[0]);
    }

    @Test
    void fixedValuesAreReportedAndPushed() throws IOException {
        SimulatedSensors board = new SimulatedSensors(config(""), store);
        board.addListener(listener);
        SimulatedSensor temp = board.find("soc_temp").orElseThrow();
        board.fix(temp, List.of(85.5));
        assertEquals(85_500, board.read("soc_temp").value());
        assertEquals(List.of("soc_temp=[85500]"), events);
        assertThrows(IllegalArgumentException.class, () -> board.fix(temp, List.of(1.0, 2.0)));
        temp.resume();
        assertTrue(board.read("soc_temp").value() < 60_000);
        board.removeListener(listener);
        board.fix(temp, List.of(1.0));
        assertEquals(1, events.size());
    }

    @Test
    void newConfigurationReplacesSensorsAndBadOnesAreRefused() throws IOException {
        SimulatedSensors board = new SimulatedSensors(config(""), store);
        board.addListener(listener);
        Path file = dir.resolve("board.json");
        Files.writeString(file, "{\"clocks\": [], \"sensors\": [{\"name\": \"fan\", \"unit\": \"RPM\", \"base\": 1200}]}");
        board.modified(config(file.toString()));
        assertEquals(List.of("changed"), events);
        assertEquals(List.of("fan"), board.sensors().stream().map(SensorInfo::name).toList());
        assertEquals(1200, board.read("fan").value());

        Files.writeString(file, "{\"sensors\": [{\"name\": \"fan\", \"unit\": \"RPM\", \"scale\": \"x\"}]}");
        board.modified(config(file.toString()));
        board.modified(config(dir.resolve("missing.json").toString()));
        assertEquals(List.of("changed"), events, "nothing changed");
        assertEquals(List.of("fan"), board.sensors().stream().map(SensorInfo::name).toList());
    }

    @Test
    void commands() {
        SimulatedSensors board = new SimulatedSensors(config(""), store);
        SensorCommands commands = new SensorCommands(board);
        assertEquals("vdd_core held at 0.750; 'sensorAuto vdd_core' lets it move again",
                commands.sensorSet("vdd_core", 0.75));
        assertEquals("accel held at 0.000 0.000 -9.810; 'sensorAuto accel' lets it move again",
                commands.sensorSet("accel", 0, 0, -9.81));
        assertEquals("accel takes 3 values, got 1", commands.sensorSet("accel", 1));
        assertEquals("no simulated sensor 'gpu'; type 'sensors' to list them", commands.sensorSet("gpu", 1));
        String table = commands.sensors();
        assertTrue(table.startsWith("NAME"), table);
        assertTrue(table.contains("vdd_core         VOLTS                      0.750                    fixed  0 ms"),
                table);
        assertTrue(table.contains("board_power") && table.contains("50 ms"), table);
        assertEquals("vdd_core moves again", commands.sensorAuto("vdd_core"));
        assertTrue(commands.sensors().contains("moving"));
    }

    @Test
    void heldValuesAndTheTimeBaseOutliveTheBundle() throws Exception {
        SimulatedSensors board = new SimulatedSensors(config(""), store);
        SensorCommands commands = new SensorCommands(board);
        commands.sensorSet("vdd_core", 0.75);
        commands.sensorSet("accel", 0, 0, -9.81);
        commands.sensorAuto("accel");
        String epoch = store.get(0, 0x15, "sim/epoch");

        SimulatedSensors updated = new SimulatedSensors(config(""), store);
        assertEquals(750, updated.read("vdd_core").value(), "still held");
        assertTrue(Math.abs(updated.read("accel").values().get(2) - 9_806_650) < 100_000, "moving again");
        assertEquals(epoch, store.get(0, 0x15, "sim/epoch"), "the signals go on from where they were");
    }
}
