package org.scmi.core;

import org.scmi.api.Agent;
import org.scmi.api.AgentView;

/**
 * The agent as one session of its guest speaks for it: what protocols receive with each command.
 * Its identity and view are the agent's; its event channel is this session's only, so a delayed
 * response a protocol sends after the session ended (the guest disconnected, its domain was
 * destroyed) is dropped instead of reaching the guest's next session, which never sent that
 * command.
 */
final class SessionAgent implements Agent {
    private final GuestAgent agent;
    private final ScmiDeviceSession session;

    SessionAgent(GuestAgent agent, ScmiDeviceSession session) {
        this.agent = agent;
        this.session = session;
    }

    @Override
    public int id() {
        return agent.id();
    }

    @Override
    public String name() {
        return agent.name();
    }

    @Override
    public AgentView view() {
        return agent.view();
    }

    @Override
    public boolean hasEventChannel() {
        return session.hasEventChannel();
    }

    @Override
    public boolean sendEvent(int header, byte[] payload) {
        return session.sendEvent(header, payload);
    }

    @Override
    public String toString() {
        return agent.toString();
    }
}
