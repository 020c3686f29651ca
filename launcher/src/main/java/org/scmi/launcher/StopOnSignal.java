package org.scmi.launcher;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the framework when the JVM is asked to exit (SIGTERM, SIGINT): every component is
 * deactivated in order, so transports close their guests and remove their sockets before the
 * process ends. Without it the JVM would exit with the framework still running. Xen guests are
 * not closed but handed over: their devices stay and the next server process takes them over,
 * so a service manager restarting the server does not take the guests' devices away (unless the
 * Xen transport is configured to remove them on stop).
 */
@Component(immediate = true)
public final class StopOnSignal {
    private static final Logger LOG = LoggerFactory.getLogger(StopOnSignal.class);
    /** How long a stop may take before the JVM exits anyway. */
    private static final long STOP_TIMEOUT_MS = 20_000;

    private final Thread hook;

    @Activate
    public StopOnSignal(BundleContext context) {
        Framework framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(Framework.class);
        this.hook = new Thread(() -> stop(framework), "scmi-server shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static void stop(Framework framework) {
        LOG.info("stopping: closing every guest (Xen guests wait for the next server process unless their devices "
                + "are removed on stop)");
        try {
            framework.stop();
            framework.waitForStop(STOP_TIMEOUT_MS);
        } catch (BundleException | InterruptedException e) {
            LOG.error("stop did not complete: {}", e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        if (Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running and stops the framework: nothing to undo.
        }
    }
}
