package org.scmi.base;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;

/**
 * The agents Base tells an agent about. A trusted agent (its profile says so) sees every agent of
 * the {@link AgentDirectory} while one is registered; any other agent sees only itself: other
 * agents do not exist for it (NOT_FOUND, and an agent count of 1). Without a directory the caller
 * is the only agent the platform can vouch for.
 */
final class KnownAgents {
    /** PROTOCOL_ATTRIBUTES counts agents in 8 bits; agent ids are 1..255. */
    static final int MAX_AGENTS = 0xFF;

    private final AtomicReference<AgentDirectory> directory = new AtomicReference<>();

    void bind(AgentDirectory agentDirectory) {
        directory.set(agentDirectory);
    }

    /** Forgets {@code agentDirectory} unless a replacement was bound already. */
    void unbind(AgentDirectory agentDirectory) {
        directory.compareAndSet(agentDirectory, null);
    }

    /** Number of agents {@code caller} sees, the platform excluded. */
    int count(Agent caller) {
        AgentDirectory agents = directory.get();
        return agents == null || !caller.view().trusted() ? 1 : Math.min(agents.agents().size(), MAX_AGENTS);
    }

    /** The agent with this id (1..255), if {@code caller} may see it. */
    Optional<Agent> find(int agentId, Agent caller) {
        if (agentId == caller.id()) {
            return Optional.of(caller);
        }
        AgentDirectory agents = directory.get();
        return agents == null || !caller.view().trusted() ? Optional.empty() : agents.agent(agentId);
    }
}
