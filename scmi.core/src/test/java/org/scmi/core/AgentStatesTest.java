package org.scmi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent state store: per agent and protocol, prefix queries in key order, removal. */
class AgentStatesTest {
    private final AgentStates store = new AgentStates();

    @Test
    void valuesArePerAgentAndProtocol() {
        store.put(1, 0x14, "rate/sim/cpu", "1200000000");
        store.put(2, 0x14, "rate/sim/cpu", "600000000");
        store.put(1, 0x11, "rate/sim/cpu", "x");
        assertEquals("1200000000", store.get(1, 0x14, "rate/sim/cpu"));
        assertEquals("600000000", store.get(2, 0x14, "rate/sim/cpu"));
        assertEquals("x", store.get(1, 0x11, "rate/sim/cpu"));
        assertNull(store.get(3, 0x14, "rate/sim/cpu"));
        assertNull(store.get(1, 0x14, "rate/sim/gpu"));
    }

    @Test
    void entriesByPrefixInKeyOrder() {
        store.put(1, 0x14, "notify/rate/sim/gpu", "1");
        store.put(1, 0x14, "notify/rate/sim/cpu", "1");
        store.put(1, 0x14, "notify/request/sim/cpu", "1");
        store.put(1, 0x14, "notify/ratf", "other");
        store.put(1, 0x14, "rate/sim/cpu", "5");
        assertEquals(Map.of("notify/rate/sim/cpu", "1", "notify/rate/sim/gpu", "1"),
                store.entries(1, 0x14, "notify/rate/"));
        assertEquals("[notify/rate/sim/cpu, notify/rate/sim/gpu, notify/ratf, notify/request/sim/cpu]",
                store.entries(1, 0x14, "notify/").keySet().toString());
        assertEquals(5, store.entries(1, 0x14, "").size());
        assertEquals(Map.of(), store.entries(9, 0x14, ""));
    }

    @Test
    void nullRemovesAndClearForgetsOneAgentsProtocol() {
        store.put(1, 0x14, "a", "1");
        store.put(1, 0x14, "b", "2");
        store.put(1, 0x15, "a", "3");
        store.put(1, 0x14, "a", null);
        assertNull(store.get(1, 0x14, "a"));
        store.clear(1, 0x14);
        assertNull(store.get(1, 0x14, "b"));
        assertEquals("3", store.get(1, 0x15, "a"));
    }

    @Test
    void idsOutsideEightBitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> store.put(256, 0x14, "a", "1"));
        assertThrows(IllegalArgumentException.class, () -> store.get(1, -1, "a"));
        assertThrows(IllegalArgumentException.class, () -> store.put(1, 0x14, null, "1"));
    }
}
