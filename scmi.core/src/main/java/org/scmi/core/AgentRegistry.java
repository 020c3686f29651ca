package org.scmi.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.core.admin.GuestSessions;
import org.scmi.virtio.device.GuestIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents of the guests this server has seen, with ids 1..N in order of first connection. A
 * guest's id is stable for the life of the server: the same {@link GuestIdentity#key()} always
 * maps to the same agent, so a reconnecting guest keeps its id (and what protocols keyed by it).
 * For administration it lists each guest's session and can end one through its transport.
 *
 * <p>Which key has which id is kept in the agent state store (under the platform, entries
 * {@code agent/<key>} of {@link #REGISTRY_PROTOCOL}), so that with a state file a guest keeps its id
 * across server restarts too, and with it everything kept under that id.
 */
@Component(service = {AgentDirectory.class, GuestSessions.class, AgentRegistry.class})
public final class AgentRegistry implements AgentDirectory, GuestSessions {
    /** Agent ids are 8 bits and 0 is the platform. */
    static final int MAX_AGENTS = 255;
    /** Where the registry keeps its table in the store: protocol id 0 is no SCMI protocol (those start at 0x10). */
    static final int REGISTRY_PROTOCOL = 0;
    private static final int PLATFORM = 0;
    private static final String AGENT_KEY = "agent/";
    private static final Logger LOG = LoggerFactory.getLogger(AgentRegistry.class);

    private final AgentStates states;
    private final Map<String, GuestAgent> byKey = new HashMap<>();
    private volatile List<Agent> agents = List.of();

    @Activate
    public AgentRegistry(@Reference AgentStates states) {
        this.states = states;
        restore();
    }

    /** The agents a previous server process knew, with their ids, from the store. */
    private void restore() {
        Map<Integer, GuestAgent> known = new TreeMap<>();
        for (Map.Entry<String, String> entry : states.entries(PLATFORM, REGISTRY_PROTOCOL, AGENT_KEY).entrySet()) {
            String key = entry.getKey().substring(AGENT_KEY.length());
            String[] idAndName = entry.getValue().split(" ", 2);
            try {
                int id = Integer.parseInt(idAndName[0]);
                known.put(id, new GuestAgent(id, key, idAndName.length > 1 ? idAndName[1] : key));
            } catch (NumberFormatException e) {
                LOG.error("agent table entry {}={} is not 'ID NAME'; agent ids start afresh", entry.getKey(),
                        entry.getValue());
                return;
            }
        }
        List<Agent> restored = new ArrayList<>();
        for (GuestAgent agent : known.values()) {
            if (agent.id() != restored.size() + 1) {
                LOG.error("agent table has no agent {} before {}; agent ids start afresh", restored.size() + 1, agent);
                return;
            }
            restored.add(agent);
        }
        for (Agent agent : restored) {
            byKey.put(((GuestAgent) agent).key(), (GuestAgent) agent);
        }
        agents = List.copyOf(restored);
        if (!restored.isEmpty()) {
            LOG.info("{} agents known from the agent state: {}", restored.size(), restored);
        }
    }

    /**
     * The agent for a guest, created on its first connection.
     *
     * @throws IllegalStateException when all 255 agent ids are taken
     */
    synchronized GuestAgent agentFor(GuestIdentity guest) {
        GuestAgent agent = byKey.get(guest.key());
        if (agent == null) {
            if (agents.size() == MAX_AGENTS) {
                throw new IllegalStateException("no agent id left for guest " + guest.key() + ": all "
                        + MAX_AGENTS + " are taken");
            }
            agent = new GuestAgent(agents.size() + 1, guest.key(), guest.name());
            states.put(PLATFORM, REGISTRY_PROTOCOL, AGENT_KEY + guest.key(), agent.id() + " " + guest.name());
            byKey.put(guest.key(), agent);
            List<Agent> grown = new ArrayList<>(agents);
            grown.add(agent);
            agents = List.copyOf(grown);
        }
        return agent;
    }

    @Override
    public List<Agent> agents() {
        return agents;
    }

    @Override
    public Optional<Agent> agent(int id) {
        List<Agent> known = agents;
        return id >= 1 && id <= known.size() ? Optional.of(known.get(id - 1)) : Optional.empty();
    }

    @Override
    public List<GuestSession> sessions() {
        List<GuestSession> sessions = new ArrayList<>();
        for (Agent known : agents) {
            GuestAgent agent = (GuestAgent) known;
            ScmiDeviceSession session = agent.session();
            sessions.add(new GuestSession(agent.id(), agent.name(), agent.key(), session != null,
                    session == null ? 0 : session.features(), agent.requests(), agent.errors(),
                    session == null ? 0 : session.pendingEvents()));
        }
        return sessions;
    }

    @Override
    public Map<String, String> queueEngines(int agentId) {
        ScmiDeviceSession session = session(agentId);
        return session == null ? Map.of() : session.queueEngines();
    }

    private ScmiDeviceSession session(int agentId) {
        return agent(agentId).map(agent -> ((GuestAgent) agent).session()).orElse(null);
    }

    @Override
    public boolean disconnect(int agentId) {
        ScmiDeviceSession session = session(agentId);
        if (session == null) {
            return false;
        }
        session.disconnect();
        return true;
    }
}
