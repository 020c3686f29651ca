package org.scmi.transport.xen.sim.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.testing.Eventually;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.transport.xen.xenstore.XenStoreException;

/** The simulated Xen component as ConfigAdmin configures it. */
class SimulatedXenTest {
    @TempDir
    Path dir;

    /** A configuration with the given properties (by method name), defaults otherwise. */
    private static SimulatedXenConfig config(Map<String, Object> values) {
        return (SimulatedXenConfig) Proxy.newProxyInstance(SimulatedXenConfig.class.getClassLoader(),
                new Class<?>[] {SimulatedXenConfig.class}, (proxy, method, args) -> values.containsKey(method.getName())
                        ? values.get(method.getName()) : method.getDefaultValue());
    }

    @Test
    void aNegativeGuestCountIsReportedByPropertyName() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new SimulatedXen(config(Map.of("guests", -1))));
        assertEquals("org.scmi.transport.xen.sim: guests = -1 must be 0 or more", bad.getMessage());
    }

    @Test
    void aNegativeCommandRateIsReportedByPropertyName() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new SimulatedXen(config(Map.of("commands_per_second", -5))));
        assertEquals("org.scmi.transport.xen.sim: commands.per.second = -5 must be 0 or more", bad.getMessage());
    }

    @Test
    void itsGuestsWaitPausedForABackendAndEverythingGoesWhenStopped() throws Exception {
        Path socket = dir.resolve("xs/xenstored.sock");
        SimulatedXen xen = new SimulatedXen(config(Map.of("guests", 2, "xenstore_socket", socket.toString())));
        try (XenStore store = xen.openXenStore()) {
            for (int domid = 1; domid <= 2; domid++) {
                String state = "/local/domain/0/backend/virtio/" + domid + "/0/state";
                assertTrue(Eventually.within(Duration.ofSeconds(10), () -> present(store, state)),
                        "guest " + domid + " was created");
                assertEquals(Optional.of("1"), store.read(state), "Initialising: no backend set it up");
            }
            assertTrue(xen.domain(1).isPresent());
        } finally {
            xen.stop();
        }
        assertFalse(Files.exists(socket), "the XenStore socket goes with it");
        assertFalse(xen.domain(1).isPresent(), "and its domains");
    }

    @Test
    void withoutAConfiguredSocketItUsesAFolderOfItsOwnAndRemovesIt() throws Exception {
        SimulatedXen xen = new SimulatedXen(config(Map.of("guests", 0)));
        Path folder = xen.xenStoreServer().socketPath().getParent();
        assertTrue(Files.isDirectory(folder));
        xen.stop();
        assertFalse(Files.exists(folder));
    }

    private static boolean present(XenStore store, String path) {
        try {
            return store.read(path).isPresent();
        } catch (XenStoreException e) {
            throw new IllegalStateException(e);
        }
    }
}
