package org.scmi.board.sim.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorUnit;
import org.scmi.api.sensor.ValueRange;
import org.scmi.board.sim.file.BoardFile;
import org.scmi.board.sim.file.BoardFileException;

class SensorBoardParserTest {

    private static List<SimulatedSensor> parse(String json) throws BoardFileException {
        return SensorBoardParser.parse(BoardFile.parse("test.json", new StringReader(json)));
    }

    private static String error(String sensorsJson) {
        return assertThrows(BoardFileException.class, () -> parse("{\"sensors\": [" + sensorsJson + "]}"))
                .getMessage();
    }

    @Test
    void fullSensorAndDefaults() throws BoardFileException {
        List<SimulatedSensor> sensors = parse("""
                {"clocks": [{"whatever": 1}], "sensors": [
                  {"name": "soc_temp", "unit": "degrees_c", "scale": -3, "base": 45.5, "updateIntervalsMs": [100, 1000],
                   "tripPoints": 2, "readDelayMs": 20, "timestamped": true, "powerMicrowatts": 7,
                   "min": -40, "max": 125, "resolution": 0.5},
                  {"name": "v", "key": "rail0", "unit": "VOLTS"}
                ]}""");
        SensorInfo temp = sensors.get(0).info();
        assertEquals("soc_temp", temp.key());
        assertEquals(SensorUnit.DEGREES_C, temp.unit());
        assertEquals(-3, temp.scale());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofSeconds(1)), temp.updateIntervals());
        assertEquals(2, temp.tripPoints());
        assertTrue(temp.slowRead());
        assertTrue(temp.timestamped());
        assertEquals(7, temp.powerMicrowatts());
        assertEquals(new ValueRange(500, -3, -40_000, 125_000), temp.range().orElseThrow());
        assertEquals(Duration.ofMillis(20), sensors.get(0).readDelay());
        assertEquals(1, sensors.get(0).valueCount());
        assertEquals(45.5, sensors.get(0).valueAt(0, 12.3), "no amplitude, no noise: the base");

        SensorInfo volt = sensors.get(1).info();
        assertEquals("rail0", volt.key());
        assertEquals(0, volt.scale());
        assertEquals(List.of(Duration.ofSeconds(1)), volt.updateIntervals());
        assertFalse(volt.slowRead());
        assertTrue(volt.range().isEmpty());
    }

    @Test
    void axesShareTheSensorsUnitAndRange() throws BoardFileException {
        SimulatedSensor accel = parse("""
                {"sensors": [{"name": "accel", "unit": "METERS_PER_SECOND_SQUARED", "scale": -6, "min": -20, "max": 20,
                  "axes": [{"name": "accel_X"}, {"name": "accel_Y", "base": 1}, {"name": "accel_Z", "base": 9.81}]}]}
                """).getFirst();
        assertEquals(3, accel.info().axes().size());
        assertEquals("accel_Z", accel.info().axes().get(2).name());
        assertEquals(SensorUnit.METERS_PER_SECOND_SQUARED, accel.info().axes().get(2).unit());
        assertEquals(-20_000_000, accel.info().axes().get(0).range().orElseThrow().min());
        assertTrue(accel.info().range().isEmpty());
        assertEquals(3, accel.valueCount());
        assertEquals(0.0, accel.valueAt(0, 3));
        assertEquals(1.0, accel.valueAt(1, 3));
        assertEquals(9.81, accel.valueAt(2, 3));
    }

    @Test
    void signalsMoveAroundTheirBase() throws BoardFileException {
        SimulatedSensor temp = parse("""
                {"sensors": [{"name": "t", "unit": "DEGREES_C", "base": 40, "amplitude": 10, "periodSeconds": 4,
                  "noise": 0.5}]}""").getFirst();
        double quarter = temp.valueAt(0, 1);
        double threeQuarters = temp.valueAt(0, 3);
        assertTrue(Math.abs(quarter - 50) <= 0.5, "sine top: " + quarter);
        assertTrue(Math.abs(threeQuarters - 30) <= 0.5, "sine bottom: " + threeQuarters);
    }

    @Test
    void noSensorsMemberMeansNoSensors() throws BoardFileException {
        assertEquals(List.of(), parse("{\"clocks\": []}"));
    }

    @Test
    void badValuesAreReportedByName() {
        assertEquals("test.json: sensors[0].scale: expected a whole number in -16..15, found 1.5",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"scale\": 1.5}"));
        assertEquals("test.json: sensors[0].scale: expected a whole number in -16..15, found 40",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"scale\": 40}"));
        assertTrue(error("{\"name\": \"t\", \"unit\": \"FURLONGS\"}")
                .startsWith("test.json: sensors[0].unit: 'FURLONGS' is not one of"));
        assertEquals("test.json: sensors[0].name: missing", error("{\"unit\": \"VOLTS\"}"));
        assertEquals("test.json: sensors[0].readDelayMs: expected a whole number in 0..1000, found 2500",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"readDelayMs\": 2500}"));
        assertEquals("test.json: sensors[0].updateIntervalsMs: expected ascending intervals, found [10, 5]",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"updateIntervalsMs\": [10, 5]}"));
        assertEquals("test.json: sensors[0].updateIntervalsMs: expected at least one interval",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"updateIntervalsMs\": []}"));
        assertTrue(error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"amplitud\": 3}")
                .startsWith("test.json: sensors[0].amplitud: unknown field"));
        assertEquals("test.json: sensors[0].base: expected a number, found \"hot\"",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"base\": \"hot\"}"));
        assertTrue(error("{\"name\": \"this_sensor_name_is_far_too_long_for_the_sixty_four_byte_name_field\","
                + " \"unit\": \"VOLTS\"}").startsWith("test.json: sensors[0].name: sensor name must be 1..63"));
        assertEquals("test.json: sensors[1].key: 't' is used twice",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\"}, {\"name\": \"t\", \"unit\": \"AMPERES\"}"));
        assertEquals("test.json: sensors[0].axes[1].name: missing",
                error("{\"name\": \"a\", \"unit\": \"RADIANS_PER_SECOND\", \"axes\": [{\"name\": \"g_X\"}, {}]}"));
        assertEquals("test.json: sensors[0].axes: expected 1..63 axes, found 0",
                error("{\"name\": \"a\", \"unit\": \"RADIANS_PER_SECOND\", \"axes\": []}"));
        assertEquals("test.json: sensors[0].periodSeconds: expected a positive number, found 0.0",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"periodSeconds\": 0}"));
        assertEquals("test.json: sensors[0].min: range minimum 10000 above maximum 0",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"scale\": -3, \"min\": 10, \"max\": 0}"));
        assertTrue(assertThrows(BoardFileException.class, () -> parse("{\"sensors\": [}")).getMessage()
                .startsWith("test.json: not valid JSON"));
    }
}
