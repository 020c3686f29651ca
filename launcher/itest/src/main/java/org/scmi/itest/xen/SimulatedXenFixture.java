package org.scmi.itest.xen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.scmi.api.testing.Eventually;
import org.scmi.transport.xen.sim.SimHypervisor;
import org.scmi.transport.xen.sim.guest.SimToolstack;
import org.scmi.transport.xen.sim.guest.SimulatedGuest;
import org.scmi.transport.xen.xenstore.XenStore;

/**
 * A simulated Xen as a deployer gets one: a configuration of the {@code transport.xen.sim} bundle,
 * whose hypervisor service the server's Xen transport picks up, and a toolstack on its XenStore
 * through which a test creates, boots and destroys guests of its own. Closing deletes the
 * configuration: the transport stops serving its guests and the hypervisor goes.
 */
final class SimulatedXenFixture implements AutoCloseable {
    private static final String FACTORY_PID = "org.scmi.transport.xen.sim";
    private static final long SERVICE_TIMEOUT_MS = 10_000;

    private final Configuration configuration;
    private final ServiceTracker<SimHypervisor, SimHypervisor> tracker;
    private final SimHypervisor hypervisor;
    private final XenStore store;
    private final SimToolstack toolstack;

    /** A simulated Xen with no guests of its own. */
    SimulatedXenFixture(BundleContext context, ConfigurationAdmin configurations, Path socket, boolean kernelFastPaths)
            throws Exception {
        this(context, configurations, socket, kernelFastPaths, 0);
    }

    /**
     * @param socket where its XenStore listens (also how its service is told from others')
     * @param kernelFastPaths whether the backend's simulated kernel has irqfd and ioeventfd
     * @param guests how many guests it runs itself (domids 1..guests), as {@code --xen-sim} does
     */
    SimulatedXenFixture(BundleContext context, ConfigurationAdmin configurations, Path socket, boolean kernelFastPaths,
            int guests) throws Exception {
        configuration = configurations.createFactoryConfiguration(FACTORY_PID, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("guests", guests);
        properties.put("kernel.fast.paths", kernelFastPaths);
        properties.put("xenstore.socket", socket.toString());
        configuration.update(properties);
        tracker = new ServiceTracker<>(context, filter(socket), null);
        tracker.open();
        try {
            hypervisor = tracker.waitForService(SERVICE_TIMEOUT_MS);
            if (hypervisor == null) {
                throw new IllegalStateException("no simulated hypervisor with its XenStore at " + socket);
            }
            store = hypervisor.openXenStore();
            toolstack = new SimToolstack(hypervisor, store);
        } catch (Exception e) {
            tracker.close();
            configuration.delete();
            throw e;
        }
    }

    private static Filter filter(Path socket) throws InvalidSyntaxException {
        return FrameworkUtil.createFilter("(&(objectClass=" + SimHypervisor.class.getName() + ")(xenstore.socket="
                + socket + "))");
    }

    SimHypervisor hypervisor() {
        return hypervisor;
    }

    SimToolstack toolstack() {
        return toolstack;
    }

    /** Creates guest {@code domid} paused, waits for the transport to set its device up, boots its driver. */
    SimulatedGuest bootGuest(int domid, boolean grants, long timeoutMillis) throws Exception {
        return SimulatedGuest.boot(toolstack, domid, grants, timeoutMillis);
    }

    /** {@link #bootGuest(int, boolean, long)} of a domain named {@code name} with VM UUID {@code uuid}. */
    SimulatedGuest bootGuest(int domid, String name, String uuid, boolean grants, long timeoutMillis)
            throws Exception {
        return SimulatedGuest.boot(toolstack, domid, name, uuid, grants, timeoutMillis);
    }

    @Override
    public void close() throws Exception {
        store.close();
        configuration.delete();
        Eventually.within(Duration.ofMillis(SERVICE_TIMEOUT_MS), tracker::isEmpty);
        tracker.close();
    }
}
