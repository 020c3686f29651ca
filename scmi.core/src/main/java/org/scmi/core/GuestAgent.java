package org.scmi.core;

import java.util.concurrent.atomic.LongAdder;
import org.scmi.api.Agent;
import org.scmi.api.AgentView;
import org.scmi.core.profile.Profile;

/**
 * One SCMI agent: a profile's agent, or a guest without a profile of its own. It outlives the
 * guest's connections: a guest that reconnects, or a Xen domain created again, gets the same agent
 * (same id) and the agent follows its current session. Notifications sent through it reach
 * whichever session serves it now; replies and delayed responses go through the session's own
 * {@link SessionAgent}. Its command counters run for the life of the agent.
 */
final class GuestAgent implements Agent {
    /** The transport key of an agent no guest connected to yet. */
    static final String NEVER_CONNECTED = "-";
    private final int id;
    /** Changed only under the registry's monitor, when a profile takes over or gives back the agent. */
    private volatile String key;
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile String name;
    private volatile ScmiDeviceSession session;
    private volatile AgentView view = AgentView.EVERYTHING;
    /** The profile the view comes from (its own or the default), or null without profiles. */
    private volatile Profile profile;
    /** The transport identity of the guest that connected last. */
    private volatile String transportKey;

    GuestAgent(int id, String key, String name) {
        this.id = id;
        this.key = key;
        this.name = name;
        this.transportKey = NEVER_CONNECTED;
    }

    /** The agent's identity in the registry: its profile's, or its guest's transport identity. */
    String key() {
        return key;
    }

    /** A profile takes the agent over, or gives it back to its guest. */
    void rekey(String newKey) {
        this.key = newKey;
    }

    /**
     * The transport identity of the guest that connected last (for a profile's agent: which socket
     * or domain), or {@code -} before any did.
     */
    String transportKey() {
        return transportKey;
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
    public AgentView view() {
        return view;
    }

    /** The profile the agent's view comes from, or null. */
    Profile profile() {
        return profile;
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

    /** Commands answered since the agent was created. */
    long requests() {
        return requests.sum();
    }

    /** Commands answered with a status other than SUCCESS since the agent was created. */
    long errors() {
        return errors.sum();
    }

    /** The agent's name, view and profile as its configuration says now. */
    void configure(String currentName, AgentView currentView, Profile currentProfile) {
        this.name = currentName;
        this.view = currentView;
        this.profile = currentProfile;
    }

    /** The guest connected (again). */
    void attach(ScmiDeviceSession connected, String connectedKey) {
        this.transportKey = connectedKey;
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
