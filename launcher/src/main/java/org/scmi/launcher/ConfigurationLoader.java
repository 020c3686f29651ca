package org.scmi.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.scmi.core.admin.ProfileAdministration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the start-up configuration once: the configuration file named by the framework property
 * {@value #CONFIG_FILE}, then the command-line options, which win over the file. Later changes go
 * through ConfigAdmin directly (Gogo), so this component never writes again.
 *
 * <p><b>Fails closed.</b> Agent profiles are a security boundary, and a server that went on "with
 * the built-in defaults" would hand every guest the whole board. So a configuration file that
 * cannot be read, is not valid JSON, names a key twice or cannot be applied stops the server with
 * the reason and exit code {@value #CONFIGURATION_ERROR}; and once every bundle has started, the
 * agent profiles are checked as a whole against the board's resources, and a configuration that
 * does not hold stops the server the same way, naming each problem.
 *
 * <p>Threads: activated on the framework's start-level thread; the profile check runs on the
 * framework's event thread once the last start level is reached; the exit runs on a thread of its
 * own, so that the framework can stop (the JVM's shutdown hook stops it) while this component is
 * being deactivated.
 */
@Component(immediate = true)
public final class ConfigurationLoader {
    /** Framework property: path of the JSON configuration file given with {@code --config}. */
    static final String CONFIG_FILE = "scmi.config.file";
    /** Exit code of a server that stops because its configuration does not hold. */
    static final int CONFIGURATION_ERROR = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationLoader.class);

    private final BundleContext context;
    private final FrameworkListener startUpCheck = this::frameworkEvent;
    private final AtomicBoolean checked = new AtomicBoolean();

    @Activate
    public ConfigurationLoader(BundleContext context, @Reference ConfigurationAdmin configurationAdmin) {
        this.context = context;
        List<String> problems = new ArrayList<>();
        String file = context.getProperty(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            try {
                apply(configurationAdmin, ConfigurationFile.read(Path.of(file)).configurations(), problems);
                if (problems.isEmpty()) {
                    LOG.info("configuration loaded from {}", file);
                }
            } catch (ConfigurationFile.InvalidConfigurationException e) {
                problems.add(e.getMessage());
            }
        }
        apply(configurationAdmin, CommandLineOptions.from(context::getProperty).configurations(), problems);
        if (!problems.isEmpty()) {
            stop(problems);
            return;
        }
        context.addFrameworkListener(startUpCheck);
        frameworkEvent(null); // the framework may have started already (the bundle was restarted)
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(startUpCheck);
    }

    /** Sets each entry's properties over what its configuration holds already (options win over the file). */
    private static void apply(ConfigurationAdmin configurationAdmin, Map<String, Dictionary<String, Object>> entries,
            List<String> problems) {
        for (Map.Entry<String, Dictionary<String, Object>> entry : entries.entrySet()) {
            try {
                Configuration configuration = configuration(configurationAdmin, entry.getKey());
                Dictionary<String, Object> properties = configuration.getProperties() == null ? new Hashtable<>()
                        : configuration.getProperties();
                for (String key : Collections.list(entry.getValue().keys())) {
                    properties.put(key, entry.getValue().get(key));
                }
                configuration.updateIfDifferent(properties);
            } catch (IOException | IllegalArgumentException e) {
                problems.add("configuration " + entry.getKey() + " cannot be applied: " + e.getMessage());
            }
        }
    }

    private static Configuration configuration(ConfigurationAdmin configurationAdmin, String key) throws IOException {
        int tilde = key.indexOf('~');
        if (tilde > 0) {
            return configurationAdmin.getFactoryConfiguration(key.substring(0, tilde), key.substring(tilde + 1), "?");
        }
        return configurationAdmin.getConfiguration(key, "?");
    }

    /** Once every bundle's start level is reached, checks the agent profiles against the board. */
    private void frameworkEvent(FrameworkEvent event) {
        if (event != null && event.getType() != FrameworkEvent.STARTED
                && event.getType() != FrameworkEvent.STARTLEVEL_CHANGED) {
            return;
        }
        if (!allStarted() || !checked.compareAndSet(false, true)) {
            return;
        }
        ServiceReference<ProfileAdministration> reference = context.getServiceReference(ProfileAdministration.class);
        if (reference == null) {
            LOG.warn("no agent profile service (scmi.core is not active): profiles are not checked");
            return;
        }
        ProfileAdministration profiles = context.getService(reference);
        try {
            List<String> problems = profiles == null ? List.of() : profiles.verify();
            if (!problems.isEmpty()) {
                stop(problems);
            } else if (profiles.restricted()) {
                LOG.info("agent profiles hold against the board: {} in force{}", profiles.profiles().size(),
                        profiles.defaultProfile().isEmpty() ? ", no default profile"
                                : ", default profile " + profiles.defaultProfile());
            }
        } finally {
            context.ungetService(reference);
        }
    }

    /** Whether the framework runs at a start level at least as high as every installed bundle's. */
    private boolean allStarted() {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        int level = system.adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle bundle : context.getBundles()) {
            BundleStartLevel start = bundle.adapt(BundleStartLevel.class);
            if (start != null && start.getStartLevel() > level) {
                return false;
            }
        }
        return true;
    }

    /** Logs every problem and stops the server with {@value #CONFIGURATION_ERROR}, from a thread of its own. */
    private static void stop(List<String> problems) {
        for (String problem : problems) {
            LOG.error("configuration: {}", problem);
        }
        LOG.error("the configuration does not hold ({} problem{}): the server stops rather than serve guests "
                + "without it", problems.size(), problems.size() == 1 ? "" : "s");
        Thread.ofPlatform().name("scmi-server configuration error").start(() -> System.exit(CONFIGURATION_ERROR));
    }
}
