package org.scmi.virtio.scmi;

import org.scmi.api.Agent;

/**
 * The agent of one configured guest. It outlives the guest's connections: a guest that reconnects
 * gets the same agent (same id) and the agent follows its current session.
 */
final class GuestAgent implements Agent {
    private final int id;
    private volatile String name;
    private volatile ScmiDeviceSession session;

    GuestAgent(int id, String name) {
        this.id = id;
        this.name = name;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean hasEventChannel() {
        ScmiDeviceSession current = session;
        return current != null && current.hasEventChannel();
    }

    @Override
    public boolean sendEvent(int header, byte[] payload) {
        ScmiDeviceSession current = session;
        return current != null && current.sendEvent(header, payload);
    }

    /** The guest connected (again), possibly under a newly configured name. */
    void attach(ScmiDeviceSession connected, String currentName) {
        this.name = currentName;
        this.session = connected;
    }

    /** The session ended; a newer session of the same guest stays attached. */
    void detach(ScmiDeviceSession ended) {
        if (session == ended) {
            session = null;
        }
    }

    @Override
    public String toString() {
        return "agent " + id + " (" + name + ")";
    }
}
