package org.scmi.launcher.admin;

import org.scmi.api.Agent;

/** An agent that is only an id and a name. */
record TestAgent(int id, String name) implements Agent {

    @Override
    public boolean hasEventChannel() {
        return false;
    }

    @Override
    public boolean sendEvent(int header, byte[] payload) {
        return false;
    }
}
