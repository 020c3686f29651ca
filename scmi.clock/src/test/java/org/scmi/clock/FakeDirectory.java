package org.scmi.clock;

import java.util.List;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;

/** The configured agents of a test. */
record FakeDirectory(List<Agent> agents) implements AgentDirectory {
    FakeDirectory(Agent... agents) {
        this(List.of(agents));
    }
}
