package org.scmi.core;

import java.util.concurrent.atomic.LongAdder;
import org.scmi.api.Agent;

/**
 * The agent of one configured guest. It outlives the guest's connections: a guest that reconnects
 * gets the same agent (same id) and the agent follows its current session. Its command counters
 * run for the life of the server.
 */
final class GuestAgent implements Agent {
    private final int id;
    private final String key;
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile String name;
    private volatile ScmiDeviceSession session;

    GuestAgent(int id, String key, String name) {
        this.id = id;
        this.key = key;
        this.name = name;
    }

    /** The guest's stable identity ({@code GuestIdentity.key()}). */
    String key() {
        return key;
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

    /** The session serving the guest now, or null while it is not connected. */
    ScmiDeviceSession session() {
        return session;
    }

    /** Counts one answered command; {@code succeeded} is false for every status but SUCCESS. */
    void answered(boolean succeeded) {
        requests.increment();
        if (!succeeded) {
            errors.increment();
        }
    }

    /** Commands answered since the server started. */
    long requests() {
        return requests.sum();
    }

    /** Commands answered with a status other than SUCCESS since the server started. */
    long errors() {
        return errors.sum();
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
