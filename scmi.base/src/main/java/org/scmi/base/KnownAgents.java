package org.scmi.base;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;

/**
 * The agents Base can tell about: the configured ones from the {@link AgentDirectory} while one is
 * registered, and always the agent sending the command. Without a directory the caller is the only
 * agent the platform can vouch for, so the agent count is 1.
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

    /** Number of agents in the system, the platform excluded. */
    int count() {
        AgentDirectory agents = directory.get();
        return agents == null ? 1 : Math.min(agents.agents().size(), MAX_AGENTS);
    }

    /** The agent with this id (1..255), as seen by {@code caller}. */
    Optional<Agent> find(int agentId, Agent caller) {
        if (agentId == caller.id()) {
            return Optional.of(caller);
        }
        AgentDirectory agents = directory.get();
        return agents == null ? Optional.empty() : agents.agent(agentId);
    }
}
