package org.scmi.launcher;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees what a replaced bundle revision leaves in the JVM soon after a live update, refresh or
 * uninstall, instead of whenever the JVM next collects in full. A revision's classes, their class
 * metadata and their compiled code can go only when the JVM unloads its class loader, and the
 * serial collector the server runs with unloads classes only in a full collection, which a server
 * with a small steady heap reaches only when class metadata or the code cache crosses a threshold
 * (the code cache's came about once in 15 minutes): under an update a minute, each update's class
 * metadata and compiled code stayed, and resident memory climbed by 20 to 30 MiB an hour. One full
 * collection once the framework has been quiet for {@code collect.after.ms} (the old revision's
 * last requests answered, the new one's components active) unloads every replaced revision at
 * once; a burst of updates gets one collection. It takes some tens of milliseconds, during which
 * guests' commands wait.
 *
 * <p>Threads: bundle and framework events arrive on the framework's event thread; the collection
 * runs on a thread of this component's, which exists only while a collection is pending.
 */
@Component(configurationPid = ReplacedRevisionCollector.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = ReplacedRevisionCollector.Config.class)
public final class ReplacedRevisionCollector implements BundleListener, FrameworkListener {
    static final String PID = "org.scmi.launcher.revisions";
    private static final long DEFAULT_COLLECT_AFTER_MS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(ReplacedRevisionCollector.class);

    @ObjectClassDefinition(name = "Replaced bundle revisions",
            description = "When the classes of bundle revisions replaced by a live update are freed.")
    public @interface Config {
        @AttributeDefinition(description = "Milliseconds after the last bundle update, refresh or uninstall before "
                + "one full collection unloads the replaced revisions' classes and compiled code; 0: never, left to "
                + "the JVM's own collections.")
        long collect_after_ms() default DEFAULT_COLLECT_AFTER_MS;
    }

    private final BundleContext context;
    private final long collectAfterMillis;
    private final ScheduledThreadPoolExecutor scheduler;
    private ScheduledFuture<?> pending;

    @Activate
    public ReplacedRevisionCollector(BundleContext context, Config config) {
        long collectAfter = config.collect_after_ms();
        if (collectAfter < 0) {
            LOG.error("{}: collect.after.ms = {} must be 0 or more; {} ms stays in force", PID, collectAfter,
                    DEFAULT_COLLECT_AFTER_MS);
            collectAfter = DEFAULT_COLLECT_AFTER_MS;
        }
        this.context = context;
        this.collectAfterMillis = collectAfter;
        this.scheduler = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("replaced-revision-collector").factory());
        scheduler.setKeepAliveTime(1, TimeUnit.SECONDS);
        scheduler.allowCoreThreadTimeOut(true);
        if (collectAfterMillis > 0) {
            context.addBundleListener(this);
            context.addFrameworkListener(this);
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.UPDATED || event.getType() == BundleEvent.UNINSTALLED) {
            collectLater(event.getBundle().getSymbolicName() + (event.getType() == BundleEvent.UPDATED ? " updated"
                    : " uninstalled"));
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
            collectLater("bundles refreshed");
        }
    }

    /** (Re)starts the wait: the collection comes {@code collect.after.ms} after the last change. */
    private synchronized void collectLater(String cause) {
        if (scheduler.isShutdown()) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        pending = scheduler.schedule(() -> collect(cause), collectAfterMillis, TimeUnit.MILLISECONDS);
    }

    private static void collect(String cause) {
        long started = System.nanoTime();
        System.gc();
        LOG.info("replaced bundle revisions freed ({}): full collection took {} ms", cause,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
        context.removeFrameworkListener(this);
        synchronized (this) {
            scheduler.shutdownNow();
        }
    }
}
