package org.scmi.itest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.scmi.virtio.ring.VirtqueueFactory;

/**
 * The ring bundle updated under load: while three guests send over vhost-user, with notifications
 * subscribed, {@code virtio.ring} is updated (a new revision, whose private engine classes come
 * from a new class loader) and stopped and started. No request fails, none is lost or answered
 * twice, no guest is disconnected, and afterwards every running queue of every guest is served by
 * the new revision's engine. The API packages are substituted: the new revision imports them from
 * the first one, which the core and the transports stay wired to, so nothing but the engine
 * changes and nothing else restarts.
 */
class RingUpdateTest extends LiveRigTest {
    private static final int GUESTS = 3;
    private static final String RING_BUNDLE = "virtio.ring";

    @BeforeAll
    static void connectGuests() throws Exception {
        connectRig("ring", GUESTS);
    }

    private static VirtqueueFactory registeredEngine() {
        ServiceReference<VirtqueueFactory> reference = context.getServiceReference(VirtqueueFactory.class);
        assertTrue(reference != null, "a virtqueue engine is registered");
        return context.getService(reference);
    }

    /** Asserts that every queue of every guest of the rig is served by {@code engine}. */
    private static void everyQueueServedBy(VirtqueueFactory engine) {
        Map<String, String> expected = Map.of("cmdq", engine.description(), "eventq", engine.description());
        for (int agentId : rig.agentIds()) {
            assertEquals(expected, sessions.queueEngines(agentId), "queues of agent " + agentId);
        }
    }

    @Test
    void updatingTheRingBundleUnderLoadMovesEveryQueueToTheNewEngine() throws Exception {
        Bundle ring = Swaps.bundle(context, RING_BUNDLE);
        BundleRevision first = ring.adapt(BundleRevision.class);
        VirtqueueFactory before = registeredEngine();
        everyQueueServedBy(before);

        LiveRig.SwapResult result = rig.swapUnderLoad(RING_BUNDLE, Swaps.Operation.UPDATE);
        assertEquals(List.of(), result.failures(), "update " + RING_BUNDLE);
        assertTrue(result.requests() > 0, "the guests sent requests");

        BundleRevision updated = ring.adapt(BundleRevision.class);
        assertNotSame(first, updated, "the update made a new revision");
        VirtqueueFactory after = registeredEngine();
        assertNotEquals(before.description(), after.description());
        assertSame(updated.getWiring().getClassLoader(), after.getClass().getClassLoader(),
                "the engine's classes are the new revision's");
        for (BundleWire wire : updated.getWiring().getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            Object imported = wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            if (String.valueOf(imported).startsWith("org.scmi.virtio.")) {
                assertSame(first, wire.getProvider(), imported + " comes from the revision everyone else uses");
            }
        }
        everyQueueServedBy(after);

        LiveRig.SwapResult afterwards = rig.swapUnderLoad(RING_BUNDLE, Swaps.Operation.STOP_START);
        assertEquals(List.of(), afterwards.failures(), "stop and start of " + RING_BUNDLE);
        everyQueueServedBy(registeredEngine());
    }
}
