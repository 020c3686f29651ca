package org.scmi.power;

import java.util.List;
import java.util.function.Supplier;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.state.AgentStateStore;
import org.scmi.power.PowerDomains.Entry;
import org.scmi.support.SharedSetting;
import org.scmi.support.Subscriptions;

/**
 * The two power notifications: who subscribed to what, and what each subscriber is told. An agent
 * is told of the states it reads (see {@link PowerProtocol}): the requester of a change when its own
 * view changed, every other subscriber when the hardware changed and it holds no vote of its own.
 * Subscriptions are kept in the platform's {@link AgentStateStore} (keys {@value #STATE_CHANGED}
 * and {@value #CHANGE_REQUESTED} followed by the domain's setting key).
 */
final class PowerEvents {
    /** agent_id reported for changes the platform made itself. */
    static final int PLATFORM = 0;
    /** Store key prefix of POWER_STATE_NOTIFY subscriptions. */
    static final String STATE_CHANGED = "notify/state/";
    /** Store key prefix of POWER_STATE_CHANGE_REQUESTED_NOTIFY subscriptions. */
    static final String CHANGE_REQUESTED = "notify/request/";

    private final Subscriptions stateChanged;
    private final Subscriptions changeRequested;
    private final Supplier<AgentDirectory> directory;

    PowerEvents(AgentStateStore store, Supplier<AgentDirectory> directory, Supplier<List<Integer>> agents) {
        this.directory = directory;
        this.stateChanged = new Subscriptions(store, PowerMessages.POWER_PROTOCOL_ID, STATE_CHANGED, agents);
        this.changeRequested = new Subscriptions(store, PowerMessages.POWER_PROTOCOL_ID, CHANGE_REQUESTED, agents);
    }

    void subscribeStateChanged(int agentId, Entry domain, boolean enabled) {
        stateChanged.set(agentId, domain.settingKey(), enabled);
    }

    void subscribeChangeRequested(int agentId, Entry domain, boolean enabled) {
        changeRequested.set(agentId, domain.settingKey(), enabled);
    }

    /** {@code agentId} (or the platform) asked for {@code state}: tell every subscriber. */
    void changeRequested(int agentId, Entry domain, int state) {
        deliver(changeRequested, domain, PowerMessages.STATE_CHANGE_REQUESTED,
                PowerMessages.notificationPayload(agentId, domain.id(), state));
    }

    /** An agent's request or reset completed. */
    void changed(Entry domain, SharedSetting.Change<Integer> change) {
        for (int subscriber : stateChanged.agents(domain.settingKey())) {
            if (subscriber == change.agentId()) {
                if (!change.previousView().equals(change.view())) {
                    send(subscriber, PowerMessages.STATE_CHANGED,
                            PowerMessages.notificationPayload(change.agentId(), domain.id(), change.view()));
                }
            } else if (change.hardwareChanged() && !change.voters().contains(subscriber)) {
                send(subscriber, PowerMessages.STATE_CHANGED, PowerMessages.notificationPayload(change.agentId(),
                        domain.id(), change.after()));
            }
        }
    }

    /** The platform changed the domain itself; every agent now reads the hardware. */
    void changedByPlatform(Entry domain, int state) {
        deliver(stateChanged, domain, PowerMessages.STATE_CHANGED,
                PowerMessages.notificationPayload(PLATFORM, domain.id(), state));
    }

    private void deliver(Subscriptions subscriptions, Entry domain, int notificationId, byte[] payload) {
        AgentDirectory agents = directory.get();
        if (agents != null) {
            subscriptions.deliver(agents, domain.settingKey(), PowerMessages.notificationHeader(notificationId),
                    payload);
        }
    }

    private void send(int agentId, int notificationId, byte[] payload) {
        AgentDirectory agents = directory.get();
        if (agents != null) {
            agents.agent(agentId).filter(Agent::hasEventChannel)
                    .ifPresent(agent -> agent.sendEvent(PowerMessages.notificationHeader(notificationId), payload));
        }
    }
}
