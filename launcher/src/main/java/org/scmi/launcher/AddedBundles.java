package org.scmi.launcher;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs and starts the bundle files named by the framework property {@value #BUNDLES}
 * (comma-separated paths): bundles the runnable JAR does not carry because a plain server does
 * not run them, such as the simulated hypervisor the {@code scmi-server} script adds for
 * {@code --xen-sim}. A file that cannot be installed or started is logged by name and the server
 * runs on without it.
 */
@Component(immediate = true)
public final class AddedBundles {
    /** Framework property: comma-separated paths of bundle files to install and start. */
    static final String BUNDLES = "scmi.install.bundles";

    private static final Logger LOG = LoggerFactory.getLogger(AddedBundles.class);

    @Activate
    public AddedBundles(BundleContext context) {
        String files = context.getProperty(BUNDLES);
        if (files == null || files.isBlank()) {
            return;
        }
        for (String file : files.split(",")) {
            String location = "file:" + file.trim();
            try {
                Bundle bundle = context.installBundle(location);
                bundle.start();
                LOG.info("installed and started {} from {}", bundle.getSymbolicName(), file.trim());
            } catch (BundleException | RuntimeException e) {
                LOG.error("bundle {} not started: {}", file.trim(), e.getMessage());
            }
        }
    }
}
