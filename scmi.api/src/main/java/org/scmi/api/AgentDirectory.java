package org.scmi.api;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The agents the platform knows: every configured guest, connected or not. Provided by the bundle
 * that owns guest sessions; read by the Base protocol for its agent count and BASE_DISCOVER_AGENT.
 */
@ProviderType
public interface AgentDirectory {

    /** Configured agents in id order (ids 1..N, never the platform). */
    List<Agent> agents();

    /** The agent with this id, if configured. */
    default Optional<Agent> agent(int id) {
        return agents().stream().filter(a -> a.id() == id).findFirst();
    }
}
