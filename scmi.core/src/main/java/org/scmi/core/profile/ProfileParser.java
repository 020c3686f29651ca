package org.scmi.core.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.scmi.api.ProtocolNames;
import org.scmi.api.ResourceKind;

/**
 * Reads one agent profile from its configuration properties, refusing anything it does not
 * understand: a profile is a security boundary, so an unknown property, a protocol name that does
 * not exist or a malformed list is an error naming the configuration and the property, never
 * something skipped.
 */
public final class ProfileParser {
    /** Factory PID of agent profiles: one configuration per agent, {@code org.scmi.agent~<name>}. */
    public static final String FACTORY_PID = "org.scmi.agent";
    /** A list that selects every resource of its kind. */
    static final String EVERYTHING = "*";
    static final String NAME = "name";
    static final String PROTOCOLS = "protocols";
    static final String EXCLUSIVE = "exclusive";
    static final String TRUSTED = "trusted";
    static final String XEN_UUID = "xenUuid";
    static final String RELEASE_ON_DISCONNECT = "releaseOnDisconnect";
    private static final Set<String> SCALARS = Set.of(NAME, TRUSTED, XEN_UUID, RELEASE_ON_DISCONNECT);
    /** What an agent name may be: what a socket file or a Xen domain is called. */
    private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
            + "[0-9a-fA-F]{12}");

    private ProfileParser() {
    }

    /**
     * The profile of one configuration.
     *
     * @param pid the configuration's PID, {@code org.scmi.agent~<name>} (the name is the default
     *     agent name)
     * @param properties its properties (ConfigAdmin's own {@code service.*} properties are ignored)
     * @throws IllegalArgumentException naming the PID and the property at fault
     */
    public static Profile parse(String pid, Map<String, Object> properties) {
        try {
            return read(pid, properties);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pid + ": " + e.getMessage(), e);
        }
    }

    private static Profile read(String pid, Map<String, Object> properties) {
        for (String property : properties.keySet()) {
            if (!property.startsWith("service.") && !property.startsWith("felix.") && !SCALARS.contains(property)
                    && !property.equals(PROTOCOLS) && !property.equals(EXCLUSIVE)
                    && ResourceKind.named(property).isEmpty()) {
                throw new IllegalArgumentException("unknown property '" + property + "' (known: " + NAME + ", "
                        + PROTOCOLS + ", " + String.join(", ", ResourceKind.STANDARD.stream().map(ResourceKind::name)
                                .toList()) + ", " + EXCLUSIVE + ", " + TRUSTED + ", " + XEN_UUID + ", "
                        + RELEASE_ON_DISCONNECT + ")");
            }
        }
        String name = text(properties, NAME, defaultName(pid));
        if (!AGENT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("agent name '" + name + "' is not 1 to 64 letters, digits, '.', '_' "
                    + "or '-'");
        }
        Map<ResourceKind, List<String>> resources = new LinkedHashMap<>();
        for (ResourceKind kind : ResourceKind.STANDARD) {
            if (properties.containsKey(kind.name())) {
                resources.put(kind, resourceList(kind, list(properties, kind.name())));
            }
        }
        Set<Integer> protocols = properties.containsKey(PROTOCOLS) ? protocols(list(properties, PROTOCOLS))
                : derivedProtocols(resources);
        for (ResourceKind kind : resources.keySet()) {
            if (!protocols.contains(kind.protocolId())) {
                throw new IllegalArgumentException("'" + kind.name() + "' are resources of protocol "
                        + ProtocolNames.hex(kind.protocolId()) + " (" + ProtocolNames.name(kind.protocolId())
                        + "), which '" + PROTOCOLS + "' does not list");
            }
        }
        Set<String> exclusive = new LinkedHashSet<>(list(properties, EXCLUSIVE));
        for (String reference : exclusive) {
            boolean listed = resources.values().stream().anyMatch(names -> names != null && names.contains(reference));
            if (!listed) {
                throw new IllegalArgumentException("exclusive resource '" + reference + "' is not in one of the "
                        + "profile's own resource lists (a resource must be listed by name to be exclusive)");
            }
        }
        String uuid = text(properties, XEN_UUID, "");
        if (!uuid.isEmpty() && !UUID.matcher(uuid).matches()) {
            throw new IllegalArgumentException(XEN_UUID + " '" + uuid + "' is not a UUID "
                    + "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
        }
        return new Profile(pid, name, protocols, resources, exclusive, flag(properties, TRUSTED),
                uuid.toLowerCase(Locale.ROOT), flag(properties, RELEASE_ON_DISCONNECT));
    }

    /** The name after {@code ~} in a named factory configuration's PID, or empty. */
    static String defaultName(String pid) {
        int tilde = pid.indexOf('~');
        return tilde >= 0 ? pid.substring(tilde + 1) : "";
    }

    private static List<String> resourceList(ResourceKind kind, List<String> names) {
        if (names.contains(EVERYTHING)) {
            if (names.size() != 1) {
                throw new IllegalArgumentException("'" + kind.name() + "' lists \"*\" (every " + kind.noun()
                        + ") together with names");
            }
            return null;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String name : names) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("'" + kind.name() + "' has an empty name");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("'" + kind.name() + "' lists '" + name + "' twice");
            }
        }
        return List.copyOf(names);
    }

    private static Set<Integer> protocols(List<String> names) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (String name : names) {
            OptionalInt id = ProtocolNames.parse(name);
            if (id.isEmpty() || id.getAsInt() < ProtocolNames.FIRST_PROTOCOL) {
                throw new IllegalArgumentException("'" + PROTOCOLS + "' names '" + name + "', which is not a "
                        + "protocol other than Base (" + ProtocolNames.known() + ", or a protocol id)");
            }
            ids.add(id.getAsInt());
        }
        return ids;
    }

    /** Without a protocol list: the protocols whose resources the profile lists. */
    private static Set<Integer> derivedProtocols(Map<ResourceKind, List<String>> resources) {
        Set<Integer> ids = new LinkedHashSet<>();
        resources.keySet().forEach(kind -> ids.add(kind.protocolId()));
        return ids;
    }

    private static List<String> list(Map<String, Object> properties, String property) {
        Object value = properties.get(property);
        if (value == null) {
            return List.of();
        }
        List<String> strings = new ArrayList<>();
        if (value instanceof String[] array) {
            strings.addAll(List.of(array));
        } else if (value instanceof String single) {
            // A single name, or names separated by commas as typed in the shell.
            for (String part : single.split(",")) {
                strings.add(part.trim());
            }
        } else if (value instanceof Iterable<?> iterable) {
            iterable.forEach(item -> strings.add(String.valueOf(item)));
        } else {
            throw new IllegalArgumentException("'" + property + "' must be a list of names, not " + value);
        }
        return strings;
    }

    private static String text(Map<String, Object> properties, String property, String otherwise) {
        Object value = properties.get(property);
        if (value == null) {
            return otherwise;
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("'" + property + "' must be text, not " + value);
        }
        return text.trim();
    }

    private static boolean flag(Map<String, Object> properties, String property) {
        Object value = properties.get(property);
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        if (value instanceof String text && (text.equals("true") || text.equals("false"))) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException("'" + property + "' must be true or false, not " + value);
    }
}
