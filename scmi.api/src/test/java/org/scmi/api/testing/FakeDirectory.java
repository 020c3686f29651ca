package org.scmi.api.testing;

import java.util.List;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;

/** The configured agents of a test. */
public record FakeDirectory(List<Agent> agents) implements AgentDirectory {
    public FakeDirectory(Agent... agents) {
        this(List.of(agents));
    }
}
