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
    private final AtomicReference<AgentDirectory> current = new AtomicReference<>();

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

    /** Ids of the configured agents: those that can hold settings and subscriptions. */
    public List<Integer> agentIds() {
        AgentDirectory directory = current.get();
        return directory == null ? List.of() : directory.agents().stream().map(Agent::id).toList();
    }

    /** The configured agent with this id, if a directory is bound and knows it. */
    public Optional<Agent> agent(int id) {
        AgentDirectory directory = current.get();
        return directory == null ? Optional.empty() : directory.agent(id);
    }
}
