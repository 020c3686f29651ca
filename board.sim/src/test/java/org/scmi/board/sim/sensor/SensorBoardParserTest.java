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

class SensorBoardParserTest {

    private static List<SimulatedSensor> parse(String json) throws BoardConfigException {
        return SensorBoardParser.parse(new StringReader(json), "test.json");
    }

    private static String error(String sensorsJson) {
        return assertThrows(BoardConfigException.class, () -> parse("{\"sensors\": [" + sensorsJson + "]}"))
                .getMessage();
    }

    @Test
    void fullSensorAndDefaults() throws BoardConfigException {
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
        assertEquals(List.of(45.5), sensors.get(0).valuesAt(12.3), "no amplitude, no noise: the base");

        SensorInfo volt = sensors.get(1).info();
        assertEquals("rail0", volt.key());
        assertEquals(0, volt.scale());
        assertEquals(List.of(Duration.ofSeconds(1)), volt.updateIntervals());
        assertFalse(volt.slowRead());
        assertTrue(volt.range().isEmpty());
    }

    @Test
    void axesShareTheSensorsUnitAndRange() throws BoardConfigException {
        SimulatedSensor accel = parse("""
                {"sensors": [{"name": "accel", "unit": "METERS_PER_SECOND_SQUARED", "scale": -6, "min": -20, "max": 20,
                  "axes": [{"name": "accel_X"}, {"name": "accel_Y", "base": 1}, {"name": "accel_Z", "base": 9.81}]}]}
                """).getFirst();
        assertEquals(3, accel.info().axes().size());
        assertEquals("accel_Z", accel.info().axes().get(2).name());
        assertEquals(SensorUnit.METERS_PER_SECOND_SQUARED, accel.info().axes().get(2).unit());
        assertEquals(-20_000_000, accel.info().axes().get(0).range().orElseThrow().min());
        assertTrue(accel.info().range().isEmpty());
        assertEquals(List.of(0.0, 1.0, 9.81), accel.valuesAt(3));
    }

    @Test
    void signalsMoveAroundTheirBase() throws BoardConfigException {
        SimulatedSensor temp = parse("""
                {"sensors": [{"name": "t", "unit": "DEGREES_C", "base": 40, "amplitude": 10, "periodSeconds": 4,
                  "noise": 0.5}]}""").getFirst();
        double quarter = temp.valuesAt(1).getFirst();
        double threeQuarters = temp.valuesAt(3).getFirst();
        assertTrue(Math.abs(quarter - 50) <= 0.5, "sine top: " + quarter);
        assertTrue(Math.abs(threeQuarters - 30) <= 0.5, "sine bottom: " + threeQuarters);
    }

    @Test
    void noSensorsMemberMeansNoSensors() throws BoardConfigException {
        assertEquals(List.of(), parse("{\"clocks\": []}"));
    }

    @Test
    void badValuesAreReportedByName() {
        assertEquals("test.json: sensors[0] (t).scale: must be a whole number, is 1.5",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"scale\": 1.5}"));
        assertTrue(error("{\"name\": \"t\", \"unit\": \"FURLONGS\"}")
                .startsWith("test.json: sensors[0] (t).unit: 'FURLONGS' is not one of"));
        assertEquals("test.json: sensors[0].name: missing", error("{\"unit\": \"VOLTS\"}"));
        assertEquals("test.json: sensors[0] (t).readDelayMs: must be 0..1000, is 2500",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"readDelayMs\": 2500}"));
        assertEquals("test.json: sensors[0] (t).updateIntervalsMs[1]: intervals must be positive and ascending, got 5",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"updateIntervalsMs\": [10, 5]}"));
        assertTrue(error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"amplitud\": 3}")
                .startsWith("test.json: sensors[0] (t).amplitud: unknown field"));
        assertTrue(error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"scale\": 40}")
                .startsWith("test.json: sensors[0] (t): scale must be -16..15"));
        assertEquals("test.json: sensors[1].key: 't' is used twice",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\"}, {\"name\": \"t\", \"unit\": \"AMPERES\"}"));
        assertEquals("test.json: sensors[0] (a).axes[1].name: missing",
                error("{\"name\": \"a\", \"unit\": \"RADIANS_PER_SECOND\", \"axes\": [{\"name\": \"g_X\"}, {}]}"));
        assertEquals("test.json: sensors[0] (t).periodSeconds: must be positive, is 0.0",
                error("{\"name\": \"t\", \"unit\": \"VOLTS\", \"periodSeconds\": 0}"));
        assertTrue(assertThrows(BoardConfigException.class, () -> parse("{\"sensors\": [}")).getMessage()
                .startsWith("test.json: not valid JSON"));
    }
}
