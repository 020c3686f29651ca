package org.scmi.launcher.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.OptionalInt;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.scmi.core.admin.GuestSessions;
import org.scmi.core.admin.GuestSessions.GuestSession;

/**
 * Shell commands (scope {@code scmi}) about guests: who is connected, which engine serves their
 * queues, disconnecting one, and adding or removing a vhost-user guest socket live through its
 * factory configuration.
 */
@Component(service = GuestCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=guests",
    "osgi.command.function=queues",
    "osgi.command.function=disconnect",
    "osgi.command.function=guestAdd",
    "osgi.command.function=guestRemove"
})
public final class GuestCommands {
    /** Factory PID of one vhost-user guest (the vhost-user transport's configuration). */
    static final String VHOST_USER_GUEST = "org.scmi.transport.vhostuser.guest";
    static final String SOCKET_PATH = "socketPath";
    static final String AGENT_NAME = "agentName";
    /** Agent ids (0 is the platform). */
    private static final int FIRST_AGENT_ID = 1;
    private static final int LAST_AGENT_ID = 255;
    /** How long guestAdd and guestRemove wait for the transport to open or close the socket. */
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(5);

    private final ConfigurationAdmin configurationAdmin;

    /** Every device backend's guests; a backend can come and go while the shell runs. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<GuestSessions> sessions = List.of();

    @Activate
    public GuestCommands(@Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    /** For tests: commands over given sessions. */
    GuestCommands(ConfigurationAdmin configurationAdmin, List<GuestSessions> sessions) {
        this.configurationAdmin = configurationAdmin;
        this.sessions = sessions;
    }

    @Descriptor("list the guests (SCMI agents) known since start: agent id, name, transport key, whether connected, "
            + "negotiated virtio features, requests, errors and events waiting for the guest")
    public String guests() {
        List<GuestSessions> backends = sessions;
        if (backends.isEmpty()) {
            return "no virtio device backend is running, so no guest can be served; type 'lb' to check that "
                    + "scmi.core is ACTIVE\n";
        }
        List<GuestSession> all = new ArrayList<>();
        backends.forEach(backend -> all.addAll(backend.sessions()));
        if (all.isEmpty()) {
            return "no guest has connected yet; 'config " + VHOST_USER_GUEST + "' lists the configured sockets\n";
        }
        all.sort(Comparator.comparingInt(GuestSession::agentId));
        return guestTable(all);
    }

    static String guestTable(List<GuestSession> guests) {
        Table table = new Table("ID", "NAME", "TRANSPORT KEY", "CONNECTED", "FEATURES", "REQUESTS", "ERRORS",
                "PENDING EVENTS");
        for (GuestSession guest : guests) {
            table.row(guest.agentId(), guest.name(), guest.key(), guest.connected() ? "yes" : "no",
                    FeatureNames.describe(guest.features()), guest.requests(), guest.errors(), guest.pendingEvents());
        }
        return table.toString();
    }

    @Descriptor("list the running virtqueues of the connected guests and the virtqueue engine serving each: after "
            + "'update' of the virtio.ring bundle they name its new revision")
    public String queues() {
        Table table = new Table("ID", "NAME", "QUEUE", "ENGINE");
        for (GuestSessions backend : sessions) {
            for (GuestSession guest : backend.sessions()) {
                backend.queueEngines(guest.agentId()).forEach(
                        (queue, engine) -> table.row(guest.agentId(), guest.name(), queue, engine));
            }
        }
        return table.isEmpty() ? "no guest has a running queue; type 'guests' to see who is connected\n"
                : table.toString();
    }

    @Descriptor("disconnect a guest (vhost-user: close its connection; its QEMU may reconnect to the same socket "
            + "and is then the same agent)")
    public String disconnect(@Descriptor("the guest's agent id, as 'guests' lists it") String agentId) {
        OptionalInt parsed = agentId(agentId);
        if (parsed.isEmpty()) {
            return "'" + agentId + "' is not an agent id (1..255); type 'guests' to list them";
        }
        int id = parsed.getAsInt();
        for (GuestSessions backend : sessions) {
            try {
                if (backend.disconnect(id)) {
                    return "guest " + id + " disconnected";
                }
            } catch (UnsupportedOperationException e) {
                return "guest " + id + " cannot be disconnected: " + e.getMessage();
            }
        }
        return "guest " + id + " is not connected; type 'guests' to see who is";
    }

    /** An agent id as typed: 1..255 (0 is the platform). */
    static OptionalInt agentId(String text) {
        try {
            int id = Integer.parseInt(text.trim());
            return id >= FIRST_AGENT_ID && id <= LAST_AGENT_ID ? OptionalInt.of(id) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    @Descriptor("serve one more vhost-user guest: creates a " + VHOST_USER_GUEST + " factory configuration, which "
            + "opens the socket for the guest's QEMU")
    public String guestAdd(@Descriptor("the Unix socket path to listen on") String socketPath) throws IOException {
        return guestAdd(socketPath, "");
    }

    @Descriptor("serve one more vhost-user guest under an agent name: creates a " + VHOST_USER_GUEST
            + " factory configuration, which opens the socket for the guest's QEMU")
    public String guestAdd(
            @Descriptor("the Unix socket path to listen on") String socketPath,
            @Descriptor("the SCMI agent name (at most 15 ASCII characters)") String agentName) throws IOException {
        Path path = Path.of(socketPath).toAbsolutePath().normalize();
        for (Configuration existing : guestConfigurations()) {
            if (path.toString().equals(existing.getProperties().get(SOCKET_PATH))) {
                return path + " is served already by configuration " + existing.getPid();
            }
        }
        String name = agentName.isBlank() ? defaultAgentName(path) : agentName;
        Configuration configuration = configurationAdmin.getFactoryConfiguration(VHOST_USER_GUEST,
                freeConfigurationName(name), "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(SOCKET_PATH, path.toString());
        if (!agentName.isBlank()) {
            properties.put(AGENT_NAME, agentName);
        }
        Object previous = SocketFiles.identity(path);
        configuration.update(properties);
        if (SocketFiles.awaitNew(path, previous, SOCKET_WAIT)) {
            return "guest " + name + " added as " + configuration.getPid() + ": listening on " + path;
        }
        return "guest " + name + " added as " + configuration.getPid() + ", but nothing listens on " + path
                + " yet; see the server log, or 'guestRemove " + path + "' to undo";
    }

    @Descriptor("stop serving a vhost-user guest: deletes its factory configuration, which disconnects the guest and "
            + "removes its socket")
    public String guestRemove(
            @Descriptor("the guest's socket path, agent name or configuration PID") String guest) throws IOException {
        List<Configuration> matches = new ArrayList<>();
        for (Configuration configuration : guestConfigurations()) {
            if (matches(configuration, guest)) {
                matches.add(configuration);
            }
        }
        if (matches.isEmpty()) {
            return "no vhost-user guest configuration has the socket, name or PID '" + guest + "'; type 'config' to "
                    + "list them";
        }
        if (matches.size() > 1) {
            return "'" + guest + "' names " + matches.size() + " guests (" + String.join(", ",
                    matches.stream().map(Configuration::getPid).toList()) + "); give the socket path or the PID";
        }
        Configuration configuration = matches.get(0);
        String pid = configuration.getPid();
        Path path = Path.of((String) configuration.getProperties().get(SOCKET_PATH));
        configuration.delete();
        if (SocketFiles.awaitGone(path, SOCKET_WAIT)) {
            return "guest " + pid + " removed: " + path + " closed";
        }
        return "guest " + pid + " removed, but " + path + " still exists; see the server log";
    }

    private List<Configuration> guestConfigurations() throws IOException {
        try {
            Configuration[] found = configurationAdmin.listConfigurations(
                    "(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + VHOST_USER_GUEST + ")");
            return found == null ? List.of() : List.of(found);
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static boolean matches(Configuration configuration, String guest) {
        Object socket = configuration.getProperties().get(SOCKET_PATH);
        Object name = configuration.getProperties().get(AGENT_NAME);
        if (guest.equals(configuration.getPid()) || guest.equals(name)) {
            return true;
        }
        if (!(socket instanceof String path)) {
            return false;
        }
        boolean unnamed = name == null || name.toString().isBlank();
        return guest.equals(path) || Path.of(guest).toAbsolutePath().normalize().toString().equals(path)
                || unnamed && guest.equals(defaultAgentName(Path.of(path)));
    }

    /** The agent name the vhost-user transport gives a guest without one: the socket file name, no extension. */
    static String defaultAgentName(Path socket) {
        String file = socket.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /** {@code name}, or {@code name-2}, {@code name-3}... if a guest configuration has that name already. */
    private String freeConfigurationName(String name) throws IOException {
        List<String> taken = guestConfigurations().stream().map(Configuration::getPid).toList();
        String candidate = name;
        for (int n = 2; taken.contains(VHOST_USER_GUEST + "~" + candidate); n++) {
            candidate = name + "-" + n;
        }
        return candidate;
    }
}
