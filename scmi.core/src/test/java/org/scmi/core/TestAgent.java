package org.scmi.core;

import org.scmi.api.Agent;

/** An agent for dispatcher tests, with no event channel. */
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
