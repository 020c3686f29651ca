package org.scmi.itest.live;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * What an administrator does to a bundle from Gogo ({@code update}, {@code stop} and
 * {@code start}, {@code refresh}), done through the framework API, and waiting until the bundle
 * has registered its services again.
 */
final class Swaps {
    private static final long TIMEOUT_SECONDS = 20;

    /** A live operation on a bundle. */
    enum Operation {
        /** A new revision with a new class loader (here from the same jar bytes). */
        UPDATE,
        STOP_START,
        /** Re-wiring: the bundle is stopped, resolved again and started. */
        REFRESH
    }

    private Swaps() {
    }

    static Bundle bundle(BundleContext context, String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    /** Performs {@code operation} and returns once the bundle registered as many services as before. */
    static void perform(BundleContext context, Bundle bundle, Operation operation) throws Exception {
        ServiceReference<?>[] before = bundle.getRegisteredServices();
        CountDownLatch registered = new CountDownLatch(before == null ? 0 : before.length);
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.REGISTERED && event.getServiceReference().getBundle() == bundle) {
                registered.countDown();
            }
        };
        context.addServiceListener(listener);
        try {
            switch (operation) {
                case UPDATE -> bundle.update();
                case STOP_START -> {
                    bundle.stop();
                    bundle.start();
                }
                case REFRESH -> refresh(context, bundle);
            }
            if (!registered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(bundle.getSymbolicName() + " did not register its services again after "
                        + operation);
            }
        } finally {
            context.removeServiceListener(listener);
        }
    }

    /** Updates {@code bundle} to the bundle in {@code jar} (an upgrade, a downgrade, a broken version). */
    static void update(Bundle bundle, byte[] jar) throws Exception {
        bundle.update(new ByteArrayInputStream(jar));
    }

    private static void refresh(BundleContext context, Bundle bundle) throws InterruptedException {
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        if (!refreshed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("refresh of " + bundle.getSymbolicName() + " did not finish");
        }
    }
}
