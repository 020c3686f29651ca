package org.scmi.itest.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.transport.xen.xenstore.XenStoreClient;

/**
 * The Xen transport bundle as deployed: idle without Xen, and with {@code mode=sim} from
 * ConfigAdmin (what {@code ./scmi-server --xen-sim N} sets) it runs the simulated hypervisor
 * whose XenStore shows each simulated guest's device Connected, and stops it all when the
 * configuration goes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class XenTransportBundleTest {
    private static final String PID = "org.scmi.transport.xen";
    private static final int GUESTS = 2;
    private static final long WAIT_MS = 10_000;
    private static final long POLL_MS = 20;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configurations;

    @TempDir
    Path dir;

    @Test
    void simulatedModeServesItsGuestsAndStopsWithItsConfiguration() throws Exception {
        assertEquals(Bundle.ACTIVE, bundle("transport.xen").getState());
        Path socket = dir.resolve("xenstored.sock");
        Configuration configuration = configurations.getConfiguration(PID, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("mode", "sim");
        properties.put("sim.guests", GUESTS);
        properties.put("sim.xenstore.socket", socket.toString());
        configuration.update(properties);
        try {
            assertTrue(eventually(() -> Files.exists(socket)), "the simulated XenStore listens at " + socket);
            try (XenStore store = XenStoreClient.connectSocket(socket)) {
                for (int domid = 1; domid <= GUESTS; domid++) {
                    String state = "/local/domain/0/backend/virtio/" + domid + "/0/state";
                    assertTrue(eventually(() -> Optional.of(Integer.toString(XenAbi.XENBUS_STATE_CONNECTED))
                            .equals(store.read(state))), state + " reaches Connected");
                    assertEquals(Optional.of("sim-guest-" + domid), store.read("/local/domain/" + domid + "/name"));
                }
            }
        } finally {
            configuration.delete();
        }
        assertTrue(eventually(() -> !Files.exists(socket)), "the simulated XenStore stopped with its configuration");
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean eventually(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(POLL_MS);
        }
        return check.holds();
    }
}
