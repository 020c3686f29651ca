package org.scmi.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the start-up configuration once: the configuration file named by the framework property
 * {@value #CONFIG_FILE}, then the command-line options, which win over the file. Later changes go
 * through ConfigAdmin directly (Gogo), so this component never writes again.
 */
@Component(immediate = true)
public final class ConfigurationLoader {
    /** Framework property: path of the JSON configuration file given with {@code --config}. */
    static final String CONFIG_FILE = "scmi.config.file";

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationLoader.class);

    @Activate
    public ConfigurationLoader(BundleContext context, @Reference ConfigurationAdmin configurationAdmin) {
        String file = context.getProperty(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            try {
                apply(configurationAdmin, ConfigurationFile.read(Path.of(file)).configurations());
                LOG.info("configuration loaded from {}", file);
            } catch (ConfigurationFile.InvalidConfigurationException e) {
                LOG.error("{}; continuing with the built-in defaults", e.getMessage());
            }
        }
        apply(configurationAdmin, CommandLineOptions.from(context::getProperty).configurations());
    }

    /** Sets each entry's properties over what its configuration holds already (options win over the file). */
    private static void apply(ConfigurationAdmin configurationAdmin, Map<String, Dictionary<String, Object>> entries) {
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
                LOG.error("configuration {} not applied: {}", entry.getKey(), e.getMessage());
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
}
