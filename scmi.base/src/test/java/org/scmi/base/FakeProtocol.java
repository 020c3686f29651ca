package org.scmi.base;

import java.util.ArrayList;
import java.util.List;
import org.scmi.api.Agent;
import org.scmi.api.MessageHandler;
import org.scmi.api.ScmiProtocol;

/** A protocol service that implements no message and records the agents it was asked to reset. */
class FakeProtocol implements ScmiProtocol {
    private final int id;
    final List<Integer> resets = new ArrayList<>();
    /** Agents whose permissions were reset with their configuration. */
    final List<Integer> permissionResets = new ArrayList<>();

    FakeProtocol(int id) {
        this.id = id;
    }

    @Override
    public int protocolId() {
        return id;
    }

    @Override
    public int version() {
        return 0x10000;
    }

    @Override
    public MessageHandler handler(int messageId, Agent agent) {
        return null;
    }

    @Override
    public void resetAgent(int agentId) {
        resets.add(agentId);
    }

    @Override
    public void resetAgent(int agentId, boolean resetPermissions) {
        resetAgent(agentId);
        if (resetPermissions) {
            permissionResets.add(agentId);
        }
    }

    @Override
    public String toString() {
        return "protocol 0x" + Integer.toHexString(id);
    }
}
