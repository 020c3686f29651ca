package org.scmi.itest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.BundleWiring;

/**
 * A bundle updated under load leaves nothing of its old revisions behind: while two guests send
 * over vhost-user with notifications subscribed, a protocol bundle (or the simulated board) is
 * updated several times; afterwards the bundle has one revision (none left pending removal) and
 * the class loader of every replaced revision is unreachable once full collections ran, so the
 * JVM can unload its classes and their compiled code. A replaced revision still held (by a
 * service, a thread, a thread-local, a logger, a cached handle) keeps its classes for good: each
 * update would then add its class metadata and code to the server's memory.
 */
class ReplacedRevisionsTest extends LiveRigTest {
    private static final int GUESTS = 2;
    private static final int UPDATES = 3;
    /** Full collections asked for before a still-reachable loader counts as held. */
    private static final int MOST_COLLECTIONS = 20;
    /**
     * Pause between those collections: references the swap left on other threads' stacks (a
     * request of the old revision still being answered) go while the test waits.
     */
    private static final long PAUSE_MS = 100;

    @BeforeAll
    static void connectGuests() throws Exception {
        connectRig("replaced", GUESTS);
    }

    @TestFactory
    Stream<DynamicTest> everyReplacedRevisionsClassLoaderBecomesUnreachable() {
        return Stream.of("scmi.sensor", "scmi.clock", "scmi.power", "board.sim").map(bundle -> DynamicTest.dynamicTest(
                "update " + bundle + " " + UPDATES + " times", () -> updateAndCollect(bundle)));
    }

    private static void updateAndCollect(String symbolicName) throws Exception {
        Bundle bundle = Swaps.bundle(context, symbolicName);
        // The revision found here may come from the tests that ran before in this framework (refreshed,
        // stopped and started, its drivers swapped under it): only revisions this test made are judged.
        assertEquals(List.of(), rig.swapUnderLoad(symbolicName, Swaps.Operation.UPDATE).failures(),
                "first update of " + symbolicName);
        List<WeakReference<ClassLoader>> replaced = new ArrayList<>();
        for (int update = 0; update < UPDATES; update++) {
            replaced.add(new WeakReference<>(bundle.adapt(BundleWiring.class).getClassLoader()));
            LiveRig.SwapResult result = rig.swapUnderLoad(symbolicName, Swaps.Operation.UPDATE);
            assertEquals(List.of(), result.failures(), "update " + update + " of " + symbolicName);
            assertTrue(result.requests() > 0, "the guests sent requests");
        }
        assertEquals(1, bundle.adapt(BundleRevisions.class).getRevisions().size(),
                symbolicName + ": revisions left pending removal after its updates");

        for (int i = 0; i < MOST_COLLECTIONS && replaced.stream().anyMatch(loader -> loader.get() != null); i++) {
            System.gc();
            Thread.sleep(PAUSE_MS);
        }
        List<String> held = new ArrayList<>();
        for (int update = 0; update < UPDATES; update++) {
            ClassLoader loader = replaced.get(update).get();
            if (loader != null) {
                held.add("the revision replaced by update " + update + " (" + loader + ")");
            }
        }
        assertEquals(List.of(), held, symbolicName + ": class loaders still reachable after " + MOST_COLLECTIONS
                + " full collections");
    }
}
