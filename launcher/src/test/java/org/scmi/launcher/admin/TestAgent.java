package org.scmi.launcher.admin;

import org.scmi.api.Agent;
import org.scmi.api.AgentView;

/** An agent that is only an id, a name and a view. */
record TestAgent(int id, String name, AgentView view) implements Agent {

    /** An agent without a profile. */
    TestAgent(int id, String name) {
        this(id, name, AgentView.EVERYTHING);
    }

    @Override
    public boolean hasEventChannel() {
        return false;
    }

    @Override
    public boolean sendEvent(int header, byte[] payload) {
        return false;
    }
}
