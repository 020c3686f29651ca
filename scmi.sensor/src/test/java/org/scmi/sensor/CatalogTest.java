package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scmi.api.AgentView;

class CatalogTest {
    private final SensorCatalog catalog = new SensorCatalog();

    private List<String> uids() {
        return catalog.sensors().entries().stream().map(Sensor::uid).toList();
    }

    @Test
    void driversInKeyOrderSensorsInDriverOrderIdsArePositions() {
        catalog.add(new FakeDriver("sim", Sensors.TEMP, Sensors.ACCEL));
        catalog.add(new FakeDriver("host", Sensors.VOLT, Sensors.SLOW));
        assertEquals(List.of("host/volt", "host/slow", "sim/temp", "sim/accel"), uids());
        for (int i = 0; i < 4; i++) {
            assertEquals(i, catalog.sensors().seenBy(AgentView.EVERYTHING).idOf(catalog.sensors().entries().get(i)));
        }
    }

    @Test
    void theSameDriversGiveTheSameIdsWhateverOrderTheyArrive() {
        SensorCatalog other = new SensorCatalog();
        catalog.add(new FakeDriver("a", Sensors.TEMP));
        catalog.add(new FakeDriver("b", Sensors.VOLT));
        other.add(new FakeDriver("b", Sensors.VOLT));
        other.add(new FakeDriver("a", Sensors.TEMP));
        assertEquals(uids(), other.sensors().entries().stream().map(Sensor::uid).toList());
    }

    @Test
    void aDriverThatLeavesKeepsItsPlaceUntilItReturns() {
        FakeDriver host = new FakeDriver("host", Sensors.VOLT);
        FakeDriver sim = new FakeDriver("sim", Sensors.TEMP);
        catalog.add(host);
        catalog.add(sim);
        catalog.remove(host);
        assertEquals(List.of("host/volt", "sim/temp"), uids());
        assertNull(catalog.sensors().entries().getFirst().driver());
        FakeDriver updated = new FakeDriver("host", Sensors.VOLT);
        assertTrue(catalog.add(updated));
        assertSame(updated, catalog.sensors().entries().getFirst().driver());
    }

    @Test
    void aSecondDriverWithATakenKeyIsIgnored() {
        FakeDriver first = new FakeDriver("sim", Sensors.TEMP);
        catalog.add(first);
        assertFalse(catalog.add(new FakeDriver("sim", Sensors.VOLT)));
        assertEquals(List.of("sim/temp"), uids());
        assertSame(first, catalog.sensors().entries().getFirst().driver());
    }

    @Test
    void refreshReadsANewSensorListAndDuplicateKeysAreDropped() {
        FakeDriver sim = new FakeDriver("sim", Sensors.TEMP);
        catalog.add(sim);
        sim.replaceSensors(Sensors.TEMP, Sensors.VOLT, Sensors.TEMP);
        catalog.refresh(sim);
        assertEquals(List.of("sim/temp", "sim/volt"), uids());
        assertTrue(catalog.of(sim, "volt").isPresent());
        assertEquals(2, catalog.sensors().entries().size());
    }
}
