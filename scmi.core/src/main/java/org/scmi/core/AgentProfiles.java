package org.scmi.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.CollectionType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.scmi.api.BoardResource;
import org.scmi.api.ProtocolNames;
import org.scmi.api.ResourceKind;
import org.scmi.api.ScmiProtocol;
import org.scmi.core.admin.ProfileAdministration;
import org.scmi.core.profile.Profile;
import org.scmi.core.profile.ProfileParser;
import org.scmi.core.profile.Profiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent profiles in force, read from ConfigAdmin as one set: one factory configuration per
 * agent ({@value ProfileParser#FACTORY_PID}{@code ~<name>}) and this component's own configuration
 * {@value #PID} naming the default profile. Factory configurations rather than one list in one
 * configuration: each agent is added, changed and deleted on its own (from the {@code --config}
 * file or live, {@code configSet org.scmi.agent~ivi clocks cpu_clk,gpu_clk}), with a metatype
 * description of every property; the set is still checked as a whole, because what one profile
 * may hold depends on the others.
 *
 * <p><b>Bad profiles leave the previous configuration in force.</b> A profile that does not parse,
 * names an agent or VM UUID another profile has, claims a resource another holds exclusively, or
 * names a resource the board does not have is logged with its PID and why; its previous version
 * stays in force. A live change that does not hold changes nothing for any guest: a new profile
 * that is rejected leaves its guests served as they were (by the default profile, or with the
 * whole board if no profile was in force), and a default profile that does not hold leaves the
 * previous one in force; so a connected or reconnecting guest is never refused because of it. At
 * start-up a rejected profile's guests are refused (never served with the default profile in its
 * place) until the launcher's check stops the server. Changes are checked against the board's resources as the
 * protocols list them; at activation (start-up) only against each other, and the launcher then
 * checks the whole configuration against the board ({@link #verify}) and stops the server if it
 * does not hold.
 *
 * <p>Threads: configurations change on ConfigAdmin's and SCR's threads, serialised by this
 * object's monitor; guests read the set in force ({@link #current}) without locking.
 */
@Component(service = {AgentProfiles.class, ConfigurationListener.class, ProfileAdministration.class},
        configurationPid = AgentProfiles.PID, immediate = true)
@Designate(ocd = AgentProfiles.Config.class)
public final class AgentProfiles implements ConfigurationListener, ProfileAdministration, ProfileSource {
    static final String PID = "org.scmi.agents";
    private static final Logger LOG = LoggerFactory.getLogger(AgentProfiles.class);
    private static final String FACTORY_FILTER = "(service.factoryPid=" + ProfileParser.FACTORY_PID + ")";

    @ObjectClassDefinition(name = "SCMI agent profiles",
            description = "Settings for every agent profile (org.scmi.agent factory configurations).")
    public @interface Config {
        @AttributeDefinition(name = "Default profile", required = false, description = "The profile (its agent "
                + "name) for guests that have none of their own: each is its own agent, seeing what that profile "
                + "sees. Empty: once any profile exists, a guest without one is refused.")
        String defaultProfile() default "";
    }

    private final ConfigurationAdmin configurationAdmin;
    private final BundleContext context;
    private final List<Consumer<Profiles>> listeners = new CopyOnWriteArrayList<>();

    @Reference(service = ScmiProtocol.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, collectionType = CollectionType.REFERENCE)
    private volatile List<ServiceReference<ScmiProtocol>> protocols = List.of();

    /** Guarded by this: per PID, the profile in force (the last good version). */
    private final Map<String, Profile> accepted = new TreeMap<>();
    /** Guarded by this: per PID, the properties last read. */
    private final Map<String, Map<String, Object>> read = new HashMap<>();
    /** Guarded by this: per PID, why its current properties are not in force. */
    private final Map<String, String> problems = new TreeMap<>();
    /** Guarded by this. */
    private String defaultName;
    /** Guarded by this: why the default profile is not in force, or null. */
    private String defaultProblem;
    private volatile Profiles current = Profiles.UNRESTRICTED;

    @Activate
    public AgentProfiles(@Reference ConfigurationAdmin configurationAdmin, BundleContext context, Config config) {
        this.configurationAdmin = configurationAdmin;
        this.context = context;
        this.defaultName = config.defaultProfile().trim();
        reload(false);
    }

    @Modified
    synchronized void modified(Config config) {
        defaultName = config.defaultProfile().trim();
        reload(true);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (ProfileParser.FACTORY_PID.equals(event.getFactoryPid())) {
            reload(true);
        }
    }

    @Override
    public Profiles current() {
        return current;
    }

    @Override
    public synchronized void addListener(Consumer<Profiles> listener) {
        listeners.add(listener);
        listener.accept(current);
    }

    @Override
    public void removeListener(Consumer<Profiles> listener) {
        listeners.remove(listener);
    }

    /**
     * Reads every profile configuration and takes the changed ones that hold into force.
     *
     * @param checkBoard whether to check names against the board's resources (not while the
     *     framework is starting the bundles that list them)
     */
    private synchronized void reload(boolean checkBoard) {
        Map<String, Map<String, Object>> configured = readConfigurations();
        accepted.keySet().retainAll(configured.keySet());
        read.keySet().retainAll(configured.keySet());
        problems.keySet().retainAll(configured.keySet());
        Map<ResourceKind, List<BoardResource>> board = checkBoard ? board() : Map.of();
        configured.forEach((pid, properties) -> {
            if (!properties.equals(read.put(pid, properties))) {
                consider(pid, properties, board, checkBoard);
            }
        });
        Profile defaultProfile = chooseDefault(checkBoard);
        Set<String> rejected = new LinkedHashSet<>();
        problems.keySet().stream().filter(pid -> !accepted.containsKey(pid))
                .forEach(pid -> rejected.add(rejectedName(pid, configured.get(pid))));
        boolean restricted = !configured.isEmpty() || !defaultName.isEmpty();
        if (checkBoard) {
            // A live change that does not hold changes nothing for anyone: not the guests of the
            // rejected profile (served as before, by the default profile or unrestricted), nor
            // whether the platform is restricted at all.
            rejected.retainAll(current.rejectedNames());
            restricted = !accepted.isEmpty() || !defaultName.isEmpty() || current.restricted() && restricted;
        }
        current = new Profiles(restricted, accepted.values(), defaultProfile, rejected);
        listeners.forEach(listener -> listener.accept(current));
    }

    /** Takes one changed configuration into force if it holds; else logs why and keeps its previous version. */
    private void consider(String pid, Map<String, Object> properties, Map<ResourceKind, List<BoardResource>> board,
            boolean live) {
        List<String> found;
        Profile profile = null;
        try {
            profile = ProfileParser.parse(pid, properties);
            List<Profile> others = new ArrayList<>(accepted.values());
            others.removeIf(other -> other.pid().equals(pid));
            found = Profiles.problems(profile, others, board);
        } catch (IllegalArgumentException e) {
            found = List.of(e.getMessage());
        }
        if (found.isEmpty()) {
            accepted.put(pid, profile);
            problems.remove(pid);
            LOG.info("agent profile {} in force: {}", pid, describe(profile));
            return;
        }
        problems.put(pid, String.join("; ", found));
        LOG.error("agent profile {} rejected: {}; {}", pid, String.join("; ", found), accepted.containsKey(pid)
                ? "its previous version stays in force" : live
                        ? "guests with its name are served as before until it is fixed"
                        : "guests with its name are refused until it is fixed");
    }

    /**
     * The default profile in force, or null.
     *
     * @param live whether this is a change while guests are served: a default that does not hold
     *     then leaves the previous default in force, if its profile still is
     */
    private Profile chooseDefault(boolean live) {
        defaultProblem = null;
        if (defaultName.isEmpty()) {
            return null;
        }
        Profile chosen = accepted.values().stream().filter(p -> p.name().equals(defaultName)).findFirst().orElse(null);
        if (chosen == null) {
            defaultProblem = PID + ": defaultProfile '" + defaultName + "' names no profile in force";
        } else if (!chosen.exclusive().isEmpty()) {
            defaultProblem = PID + ": defaultProfile '" + defaultName + "' holds exclusive resources, which the "
                    + "several guests it serves cannot share";
            chosen = null;
        }
        if (defaultProblem == null) {
            return chosen;
        }
        Profile previous = live ? current.defaultProfile()
                .flatMap(old -> accepted.values().stream().filter(p -> p.name().equals(old.name())).findFirst())
                .filter(p -> p.exclusive().isEmpty()).orElse(null) : null;
        LOG.error("{}; {}", defaultProblem, previous != null ? "the previous default profile " + previous.name()
                + " stays in force" : "guests without a profile of their own are refused");
        return previous;
    }

    private static String rejectedName(String pid, Map<String, Object> properties) {
        Object name = properties == null ? null : properties.get("name");
        return name instanceof String text && !text.isBlank() ? text.trim() : pid.substring(pid.indexOf('~') + 1);
    }

    @Override
    public boolean restricted() {
        return current.restricted();
    }

    @Override
    public String defaultProfile() {
        return current.defaultProfile().map(Profile::name).orElse("");
    }

    @Override
    public synchronized List<ProfileInfo> profiles() {
        List<ProfileInfo> infos = new ArrayList<>();
        for (String pid : read.keySet().stream().sorted().toList()) {
            Profile inForce = accepted.get(pid);
            infos.add(new ProfileInfo(pid, inForce != null ? inForce.name() : rejectedName(pid, read.get(pid)),
                    inForce != null ? describe(inForce) : "-", inForce != null, problems.getOrDefault(pid, "")));
        }
        return infos;
    }

    @Override
    public synchronized List<String> verify() {
        Map<String, Map<String, Object>> configured = readConfigurations();
        Map<ResourceKind, List<BoardResource>> board = board();
        List<Profile> profiles = new ArrayList<>();
        List<String> found = new ArrayList<>();
        configured.forEach((pid, properties) -> {
            try {
                profiles.add(ProfileParser.parse(pid, properties));
            } catch (IllegalArgumentException e) {
                found.add(e.getMessage());
            }
        });
        for (Profile profile : profiles) {
            found.addAll(Profiles.problems(profile, profiles.stream().filter(p -> !p.pid().equals(profile.pid()))
                    .toList(), board));
        }
        if (!defaultName.isEmpty() && profiles.stream().noneMatch(p -> p.name().equals(defaultName))) {
            found.add(PID + ": defaultProfile '" + defaultName + "' names no profile");
        } else if (defaultProblem != null) {
            found.add(defaultProblem);
        }
        return found;
    }

    /** Every profile configuration's properties by PID, arrays as lists so that equal ones compare equal. */
    private Map<String, Map<String, Object>> readConfigurations() {
        Map<String, Map<String, Object>> configured = new TreeMap<>();
        Configuration[] configurations;
        try {
            configurations = configurationAdmin.listConfigurations(FACTORY_FILTER);
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("cannot list the agent profiles in ConfigAdmin: " + e.getMessage(), e);
        }
        for (Configuration configuration : configurations == null ? new Configuration[0] : configurations) {
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties != null) {
                configured.put(configuration.getPid(), plain(properties));
            }
        }
        return configured;
    }

    private static Map<String, Object> plain(Dictionary<String, Object> properties) {
        Map<String, Object> plain = new HashMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            Object value = properties.get(key);
            plain.put(key, value instanceof String[] array ? List.of(array) : value);
        }
        return plain;
    }

    /** What the registered protocols offer, per kind; a protocol that is not registered is not there. */
    private Map<ResourceKind, List<BoardResource>> board() {
        Map<ResourceKind, List<BoardResource>> board = new HashMap<>();
        for (ServiceReference<ScmiProtocol> reference : protocols) {
            ScmiProtocol protocol = context.getService(reference);
            if (protocol == null) {
                continue;
            }
            try {
                for (BoardResource resource : protocol.resources()) {
                    board.computeIfAbsent(resource.kind(), kind -> new ArrayList<>()).add(resource);
                }
                for (ResourceKind kind : ResourceKind.STANDARD) {
                    if (kind.protocolId() == protocol.protocolId()) {
                        board.computeIfAbsent(kind, k -> new ArrayList<>());
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("protocol 0x{} failed to list its resources; its names are not checked: {}",
                        Integer.toHexString(protocol.protocolId()), e.toString());
            } finally {
                context.ungetService(reference);
            }
        }
        return board;
    }

    /** One line saying what a profile lets its agent do. */
    static String describe(Profile profile) {
        List<String> parts = new ArrayList<>();
        parts.add("protocols " + String.join(",", profile.protocols().stream().sorted()
                .map(id -> ProtocolNames.name(id).equals("-") ? ProtocolNames.hex(id) : ProtocolNames.name(id))
                .toList()));
        profile.resources().forEach((kind, names) -> parts.add(kind.name() + " "
                + (names == null ? "*" : String.join(",", names))));
        if (!profile.exclusive().isEmpty()) {
            parts.add("exclusive " + String.join(",", profile.exclusive().stream().sorted().toList()));
        }
        if (profile.trusted()) {
            parts.add("trusted");
        }
        if (!profile.xenUuid().isEmpty()) {
            parts.add("xenUuid " + profile.xenUuid());
        }
        if (profile.releaseOnDisconnect()) {
            parts.add("releaseOnDisconnect");
        }
        return String.join("; ", parts);
    }
}
