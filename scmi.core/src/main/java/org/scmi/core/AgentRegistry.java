package org.scmi.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.core.admin.GuestSessions;
import org.scmi.virtio.device.GuestIdentity;

/**
 * The agents of the guests this server has seen, with ids 1..N in order of first connection. A
 * guest's id is stable for the life of the server: the same {@link GuestIdentity#key()} always
 * maps to the same agent, so a reconnecting guest keeps its id (and what protocols keyed by it).
 * For administration it lists each guest's session and can end one through its transport.
 */
@Component(service = {AgentDirectory.class, GuestSessions.class, AgentRegistry.class})
public final class AgentRegistry implements AgentDirectory, GuestSessions {
    /** Agent ids are 8 bits and 0 is the platform. */
    static final int MAX_AGENTS = 255;

    private final Map<String, GuestAgent> byKey = new HashMap<>();
    private volatile List<Agent> agents = List.of();

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
