package org.scmi.launcher.admin;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Shell commands (scope {@code scmi}) to look at and change ConfigAdmin configurations live, typed
 * and explained by their metatype descriptions. Components apply a change when ConfigAdmin
 * delivers it; nothing restarts.
 */
@Component(service = ConfigCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=config",
    "osgi.command.function=configSet",
    "osgi.command.function=configDelete"
})
public final class ConfigCommands {
    /** Separates a factory PID from a configuration's name in a factory configuration's PID. */
    private static final char FACTORY_NAME_SEPARATOR = '~';

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final MetaTypeService metaType;

    @Activate
    public ConfigCommands(BundleContext context, @Reference ConfigurationAdmin configurationAdmin,
            @Reference MetaTypeService metaType) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        this.metaType = metaType;
    }

    /** A PID or factory PID some bundle describes. */
    private record Description(boolean factory, ObjectClassDefinition definition) {
    }

    @Descriptor("list the configuration PIDs: those set, those described by metatype that run on their defaults, "
            + "and factory PIDs with their configurations")
    public String config() throws IOException {
        Map<String, Description> described = descriptions();
        Map<String, Configuration> configured = configurations();
        Table table = new Table("PID", "STATE", "DESCRIBED AS");
        TreeSet<String> pids = new TreeSet<>(described.keySet());
        pids.addAll(configured.keySet());
        for (String pid : pids) {
            Configuration configuration = configured.get(pid);
            Description description = described.get(pid);
            String state;
            if (description != null && description.factory()) {
                long count = configured.values().stream().filter(c -> pid.equals(c.getFactoryPid())).count();
                state = "factory, " + count + (count == 1 ? " configuration" : " configurations");
            } else if (configuration == null) {
                state = "defaults";
            } else if (configuration.getFactoryPid() != null) {
                description = described.get(configuration.getFactoryPid());
                state = "factory configuration";
            } else {
                state = "set";
            }
            table.row(pid, state, description == null ? "(not described)" : description.definition().getName());
        }
        return table + "type 'config PID' to see a configuration's properties\n";
    }

    @Descriptor("show a configuration's properties with their types, values and metatype descriptions")
    public String config(
            @Descriptor("PID, factory PID, or factory configuration PID (factoryPid~name), as 'config' lists it")
            String pid) throws IOException {
        Map<String, Description> described = descriptions();
        Configuration configuration = configurations().get(pid);
        Description description = described.get(configuration != null && configuration.getFactoryPid() != null
                ? configuration.getFactoryPid() : pid);
        if (configuration == null && description == null) {
            return "no configuration and no description for '" + pid + "'; type 'config' to list PIDs";
        }
        Dictionary<String, Object> properties = configuration == null ? null : configuration.getProperties();
        StringBuilder text = new StringBuilder(pid);
        if (description != null) {
            text.append(": ").append(description.definition().getName());
            if (configuration != null && configuration.getFactoryPid() != null) {
                text.append(" (a configuration of factory PID ").append(configuration.getFactoryPid()).append(')');
            } else if (description.factory()) {
                text.append(" (factory PID: one configuration per instance, named ").append(pid)
                        .append(FACTORY_NAME_SEPARATOR).append("NAME; 'config' lists them)");
            }
        }
        text.append('\n');
        text.append(propertyTable(description == null ? List.of() : attributes(description.definition()),
                properties == null ? Map.of() : toMap(properties)));
        return text.toString();
    }

    /** The attributes' types, values (or defaults) and descriptions, then any property no attribute describes. */
    static String propertyTable(List<AttributeDefinition> attributes, Map<String, Object> properties) {
        Table table = new Table("KEY", "TYPE", "VALUE");
        StringBuilder descriptions = new StringBuilder();
        for (AttributeDefinition attribute : attributes) {
            Object value = properties.get(attribute.getID());
            String shown;
            if (value == null) {
                String[] defaults = attribute.getDefaultValue();
                shown = "(default) " + (defaults == null ? "" : String.join(",", defaults));
            } else {
                shown = attribute.getType() == AttributeDefinition.PASSWORD ? "********" : PropertyValues.show(value);
            }
            table.row(attribute.getID(), PropertyValues.typeName(attribute), shown.strip());
            if (attribute.getDescription() != null && !attribute.getDescription().isBlank()) {
                descriptions.append(attribute.getID()).append(": ").append(attribute.getDescription()).append('\n');
            }
        }
        for (Map.Entry<String, Object> property : new TreeMap<>(properties).entrySet()) {
            boolean describedKey = attributes.stream().anyMatch(a -> a.getID().equals(property.getKey()));
            if (!describedKey && !isFrameworkProperty(property.getKey())) {
                table.row(property.getKey(), property.getValue().getClass().getSimpleName(),
                        PropertyValues.show(property.getValue()));
                descriptions.append(property.getKey()).append(": (not described)\n");
            }
        }
        return table + (descriptions.isEmpty() ? "" : "\n" + descriptions);
    }

    @Descriptor("change one property of a configuration live (created if missing); the value is typed and checked "
            + "by the metatype description")
    public String configSet(
            @Descriptor("PID, or factory configuration PID (factoryPid~name; created if missing)") String pid,
            @Descriptor("property key, as 'config PID' lists it") String key,
            @Descriptor("the value; for a list, several values or one comma-separated value") String... values)
            throws IOException {
        if (values.length == 0) {
            return "give a value: configSet " + pid + " " + key + " VALUE";
        }
        Map<String, Description> described = descriptions();
        Configuration existing = configurations().get(pid);
        String factoryPid = existing != null ? existing.getFactoryPid() : factoryPidOf(pid).orElse(null);
        Description description = described.get(factoryPid != null ? factoryPid : pid);
        if (description != null && description.factory() && factoryPid == null) {
            return pid + " is a factory PID: set a property of one of its configurations (" + pid
                    + FACTORY_NAME_SEPARATOR + "NAME; 'config' lists them)";
        }
        if (existing == null && description == null) {
            return "no configuration and no description for '" + pid + "'; type 'config' to list PIDs";
        }
        Object value;
        if (description == null) {
            value = values.length == 1 ? values[0] : values;
        } else {
            Optional<AttributeDefinition> attribute = attributes(description.definition()).stream()
                    .filter(a -> a.getID().equals(key)).findFirst();
            if (attribute.isEmpty()) {
                return pid + " has no property '" + key + "'; its properties are " + String.join(", ",
                        attributes(description.definition()).stream().map(AttributeDefinition::getID).toList());
            }
            List<String> texts = values.length == 1 && attribute.get().getCardinality() != 0
                    ? Arrays.asList(values[0].split(",", -1)) : List.of(values);
            try {
                value = PropertyValues.typed(pid + "/" + key, attribute.get(), texts);
            } catch (PropertyValues.InvalidValueException e) {
                return e.getMessage();
            }
        }
        Configuration configuration = existing != null ? existing
                : factoryPid != null
                        ? configurationAdmin.getFactoryConfiguration(factoryPid,
                                pid.substring(factoryPid.length() + 1), "?")
                        : configurationAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        properties.put(key, value);
        configuration.update(properties);
        return pid + "/" + key + " = " + PropertyValues.show(value) + (description == null
                ? " (not described by metatype: kept as text)" : "");
    }

    @Descriptor("delete a configuration: its component returns to its defaults, or stops if it needs one")
    public String configDelete(@Descriptor("PID or factory configuration PID, as 'config' lists it") String pid)
            throws IOException {
        Configuration configuration = configurations().get(pid);
        if (configuration == null) {
            return "no configuration '" + pid + "' is set; type 'config' to list them";
        }
        configuration.delete();
        return pid + " deleted";
    }

    private Map<String, Configuration> configurations() throws IOException {
        try {
            Configuration[] all = configurationAdmin.listConfigurations(null);
            Map<String, Configuration> byPid = new TreeMap<>();
            for (Configuration configuration : all == null ? new Configuration[0] : all) {
                byPid.put(configuration.getPid(), configuration);
            }
            return byPid;
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Every PID and factory PID described by an installed bundle. */
    private Map<String, Description> descriptions() {
        Map<String, Description> described = new TreeMap<>();
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation information = metaType.getMetaTypeInformation(bundle);
            if (information == null) {
                continue;
            }
            for (String pid : information.getPids()) {
                described.put(pid, new Description(false, information.getObjectClassDefinition(pid, null)));
            }
            for (String factoryPid : information.getFactoryPids()) {
                described.put(factoryPid, new Description(true, information.getObjectClassDefinition(factoryPid,
                        null)));
            }
        }
        return described;
    }

    private static Optional<String> factoryPidOf(String pid) {
        int separator = pid.indexOf(FACTORY_NAME_SEPARATOR);
        return separator > 0 && separator < pid.length() - 1 ? Optional.of(pid.substring(0, separator))
                : Optional.empty();
    }

    private static List<AttributeDefinition> attributes(ObjectClassDefinition definition) {
        AttributeDefinition[] attributes = definition.getAttributeDefinitions(ObjectClassDefinition.ALL);
        return attributes == null ? List.of() : List.of(attributes);
    }

    private static Map<String, Object> toMap(Dictionary<String, Object> properties) {
        Map<String, Object> map = new TreeMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        return map;
    }

    /** Keys ConfigAdmin adds itself. */
    private static boolean isFrameworkProperty(String key) {
        return key.equals(Constants.SERVICE_PID) || key.equals(ConfigurationAdmin.SERVICE_FACTORYPID)
                || key.equals(ConfigurationAdmin.SERVICE_BUNDLELOCATION);
    }
}
