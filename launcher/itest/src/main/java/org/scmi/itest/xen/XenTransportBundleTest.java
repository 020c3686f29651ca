package org.scmi.itest.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scmi.api.testing.Eventually;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.transport.xen.xenstore.XenStoreClient;

/**
 * The Xen bundles as deployed: the transport waits idle without Xen; a configuration of the
 * simulated hypervisor bundle (what {@code ./scmi-server --xen-sim N} creates) registers a
 * hypervisor the running transport picks up, whose XenStore shows each simulated guest's device
 * Connected; deleting the configuration stops it all, and the transport stays up for the next.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class XenTransportBundleTest {
    private static final int GUESTS = 2;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configurations;

    @TempDir
    Path dir;

    @Test
    void simulatedHypervisorServesItsGuestsAndStopsWithItsConfiguration() throws Exception {
        assertEquals(Bundle.ACTIVE, bundle("transport.xen").getState());
        assertEquals(Bundle.ACTIVE, bundle("transport.xen.sim").getState());
        for (int round = 0; round < 2; round++) {
            Path socket = dir.resolve("xenstored-" + round + ".sock");
            try (SimulatedXenFixture xen = new SimulatedXenFixture(context, configurations, socket, false, GUESTS);
                    XenStore store = XenStoreClient.connectSocket(socket)) {
                for (int domid = 1; domid <= GUESTS; domid++) {
                    String state = "/local/domain/0/backend/virtio/" + domid + "/0/state";
                    assertTrue(Eventually.within(WAIT, () -> Optional.of(Integer.toString(
                            XenAbi.XENBUS_STATE_CONNECTED)).equals(read(store, state))), state + " reaches Connected");
                    assertEquals(Optional.of("sim-guest-" + domid), store.read("/local/domain/" + domid + "/name"));
                }
            }
            assertTrue(Eventually.within(WAIT, () -> !Files.exists(socket)),
                    "the simulated XenStore stopped with its configuration");
        }
    }

    private static Optional<String> read(XenStore store, String path) {
        try {
            return store.read(path);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }
}
