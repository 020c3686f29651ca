package org.scmi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scmi.api.testing.MemoryStateStore;

class SubscriptionsTest {
    private static final int PROTOCOL = 0x14;
    private final MemoryStateStore store = new MemoryStateStore();
    private final List<Integer> configured = List.of(3, 2, 1);
    private final Subscriptions rates = new Subscriptions(store, PROTOCOL, "notify/rate/", () -> configured);

    @Test
    void aSubscriptionIsKeptInTheStoreUnderThePrefixAndTheResourceKey() {
        rates.set(2, "board/cpu", true);
        assertEquals("1", store.get(2, PROTOCOL, "notify/rate/board/cpu"));
        rates.set(2, "board/cpu", false);
        assertNull(store.get(2, PROTOCOL, "notify/rate/board/cpu"));
    }

    @Test
    void subscribersAreTheConfiguredAgentsThatAskedInIdOrder() {
        rates.set(2, "board/cpu", true);
        rates.set(1, "board/cpu", true);
        rates.set(3, "board/gpu", true);
        rates.set(9, "board/cpu", true); // not configured: never told
        assertEquals(List.of(1, 2), rates.agents("board/cpu"));
        assertEquals(List.of(3), rates.agents("board/gpu"));
        assertEquals(List.of(), new Subscriptions(store, PROTOCOL, "notify/request/", () -> configured)
                .agents("board/cpu"));
    }

    @Test
    void aNewInstanceOverTheSameStoreSeesTheSameSubscribers() {
        rates.set(1, "board/cpu", true);
        assertEquals(List.of(1), new Subscriptions(store, PROTOCOL, "notify/rate/", () -> configured)
                .agents("board/cpu"));
        assertTrue(rates.isSet(1, "board/cpu"));
        assertFalse(rates.isSet(2, "board/cpu"));
    }
}
