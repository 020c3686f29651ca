package org.scmi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scmi.support.DriverListings.Listing;

class DriverListingsTest {
    private static final String KEY = "driver.key";
    private final DriverListings<String, String> listings = new DriverListings<>();

    private static BoundDriver<String> keyed(String driver, String key, long serviceId) {
        return BoundDriver.of(driver, Map.of(KEY, key, "service.id", serviceId), KEY);
    }

    private static BoundDriver<String> unkeyed(String driver, long serviceId) {
        return BoundDriver.of(driver, Map.of("service.id", serviceId), KEY);
    }

    private List<String> order() {
        return listings.ordered().stream().flatMap(l -> l.resources().stream()).toList();
    }

    @Test
    void aDriverIsKnownByItsKeyOrElseByItsServiceId() {
        BoundDriver<String> withKey = keyed("a", "board", 7);
        assertEquals("board", withKey.key());
        assertEquals("board/cpu", withKey.settingKey("cpu"));
        assertEquals("service.12", unkeyed("b", 12).key());
        assertNull(unkeyed("b", 12).driverKey());
    }

    @Test
    void keyedDriversComeFirstByKeyThenTheOthersByServiceIdEachInItsOwnOrder() {
        assertTrue(listings.bind(unkeyed("u2", 20), List.of("u2-x")));
        assertTrue(listings.bind(keyed("z", "zeta", 1), List.of("z-1", "z-2")));
        assertTrue(listings.bind(unkeyed("u1", 10), List.of("u1-x")));
        assertTrue(listings.bind(keyed("a", "alpha", 30), List.of("a-2", "a-1")));
        assertEquals(List.of("a-2", "a-1", "z-1", "z-2", "u1-x", "u2-x"), order());
    }

    @Test
    void aSecondPresentDriverWithTheSameKeyIsNotListed() {
        assertTrue(listings.bind(keyed("first", "board", 1), List.of("first-1")));
        assertFalse(listings.bind(keyed("second", "board", 2), List.of("second-1")));
        assertEquals(List.of("first-1"), order());
        assertEquals("first", listings.ordered().getFirst().owner().driver());
    }

    @Test
    void aKeyedDriverThatGoesKeepsItsPlaceUntilADriverWithItsKeyTakesItBack() {
        BoundDriver<String> old = keyed("old", "board", 1);
        listings.bind(old, List.of("cpu", "gpu"));
        listings.bind(keyed("other", "zeta", 2), List.of("z"));
        listings.unbind(old);
        Listing<String, String> away = listings.ordered().getFirst();
        assertFalse(away.owner().present());
        assertEquals(List.of("cpu", "gpu", "z"), order());

        assertTrue(listings.bind(keyed("new", "board", 3), List.of("cpu", "gpu", "npu")));
        assertEquals("new", listings.ordered().getFirst().owner().driver());
        assertEquals(List.of("cpu", "gpu", "npu", "z"), order());
    }

    @Test
    void aDriverWithoutAKeyLeavesItsPlace() {
        BoundDriver<String> plain = unkeyed("plain", 5);
        listings.bind(plain, List.of("x"));
        listings.unbind(plain);
        assertEquals(List.of(), listings.ordered());
    }
}
