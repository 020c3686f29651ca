package org.scmi.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scmi.api.ResourceKind;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.FakeDirectory;
import org.scmi.api.testing.Le;
import org.scmi.api.testing.MemoryStateStore;
import org.scmi.api.testing.Views;
import org.scmi.support.TestResources.Item;

class ResourceNotificationsTest {
    private static final int PROTOCOL = 0x14;
    private static final int RATE_CHANGED = 0;
    /** Notification 0 of protocol 0x14: type 3, token 0. */
    private static final int HEADER = 0x0000_5300;
    private static final Item CPU = Item.of("cpu", "cpu_clk");
    private static final Item GPU = Item.of("gpu", "gpu_clk");

    private final MemoryStateStore store = new MemoryStateStore();
    private final TestResources board = new TestResources(CPU, GPU);
    /** Sees both clocks in the board's order. */
    private final FakeAgent everything = new FakeAgent(1, true);
    /** Sees the GPU clock as its clock 0, nothing else. */
    private final FakeAgent gpuOnly = new FakeAgent(2, "gpu", true, Views.listing(ResourceKind.CLOCKS, "gpu_clk"));
    private final FakeAgent withoutChannel = new FakeAgent(3, false);
    private final DirectoryReference directory = new DirectoryReference();
    private final ResourceNotifications<Item> notifications =
            new ResourceNotifications<>(store, PROTOCOL, directory, () -> board);
    private final ResourceNotifications<Item>.Topic rates = notifications.topic(RATE_CHANGED, "notify/rate/");

    ResourceNotificationsTest() {
        directory.bind(new FakeDirectory(everything, gpuOnly, withoutChannel));
    }

    @Test
    void eachSubscriberHearsOfTheResourceUnderItsOwnId() {
        rates.subscribe(1, GPU, true);
        rates.subscribe(2, GPU, true);
        rates.publish(GPU, id -> Le.words(0, id));
        FakeAgent.Event toEverything = everything.drain().getFirst();
        assertEquals(HEADER, toEverything.header());
        assertArrayEquals(Le.words(0, 1), toEverything.payload(), "the GPU clock is clock 1 on the board");
        assertArrayEquals(Le.words(0, 0), gpuOnly.drain().getFirst().payload(), "and clock 0 of agent 2");
    }

    @Test
    void nobodyHearsOfAResourceItDoesNotSee() {
        rates.subscribe(1, CPU, true);
        rates.subscribe(2, CPU, true); // a subscription kept from an earlier view
        rates.publish(CPU, id -> Le.words(id));
        assertEquals(1, everything.drain().size());
        assertTrue(gpuOnly.drain().isEmpty());
        assertFalse(notifications.send(2, RATE_CHANGED, CPU, id -> Le.words(id)));
    }

    @Test
    void onlySubscribersWithAnEventChannelThatTheDirectoryKnowsHear() {
        rates.subscribe(3, GPU, true);
        rates.subscribe(9, GPU, true);
        assertEquals(List.of(3), rates.subscribers(GPU), "agent 9 is not in the directory");
        rates.publish(GPU, id -> Le.words(id));
        assertFalse(notifications.send(3, RATE_CHANGED, GPU, id -> Le.words(id)));
        rates.publishTo(1, GPU, id -> Le.words(id));
        assertTrue(everything.drain().isEmpty(), "publishTo reaches a subscriber only");
    }

    @Test
    void subscriptionsAreKeptInTheStoreByTheResourcesSettingKey() {
        rates.subscribe(2, GPU, true);
        assertEquals("1", store.get(2, PROTOCOL, "notify/rate/board/gpu"));
        rates.subscribe(2, GPU, false);
        assertEquals(List.of(), rates.subscribers(GPU));
    }
}
