package org.scmi.support;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;

/**
 * A protocol's optional, dynamic reference to the {@link AgentDirectory}: the directory while one
 * is bound, and the configured agents it knows. Thread-safe.
 */
public final class DirectoryReference {
    /** The ids of one list of agents the directory gave. */
    private record Ids(List<Agent> agents, List<Integer> ids) {
    }

    private final AtomicReference<AgentDirectory> current = new AtomicReference<>();
    /** The ids last computed: the directory hands out the same list until an agent is added. */
    private volatile Ids lastIds = new Ids(List.of(), List.of());

    public void bind(AgentDirectory directory) {
        current.set(directory);
    }

    /** Forgets the directory unless another one was bound in the meantime. */
    public void unbind(AgentDirectory directory) {
        current.compareAndSet(directory, null);
    }

    /** The bound directory, or null while there is none. */
    public AgentDirectory get() {
        return current.get();
    }

    /**
     * Ids of the configured agents: those that can hold settings and subscriptions. Made once per
     * list of agents, so asking on a request path costs nothing.
     */
    public List<Integer> agentIds() {
        AgentDirectory directory = current.get();
        if (directory == null) {
            return List.of();
        }
        List<Agent> agents = directory.agents();
        Ids last = lastIds;
        if (last.agents() != agents) {
            last = new Ids(agents, agents.stream().map(Agent::id).toList());
            lastIds = last;
        }
        return last.ids();
    }

    /** The configured agent with this id, if a directory is bound and knows it. */
    public Optional<Agent> agent(int id) {
        AgentDirectory directory = current.get();
        return directory == null ? Optional.empty() : directory.agent(id);
    }
}
