package org.scmi.clock;

import java.util.function.Supplier;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.clock.Clocks.Entry;

/** The two clock notifications: who subscribed to what, and sending to exactly those agents. */
final class ClockEvents {
    /** agent_id reported for changes the platform made itself. */
    static final int PLATFORM = 0;

    private final Subscriptions rateChanged = new Subscriptions();
    private final Subscriptions changeRequested = new Subscriptions();
    private final Supplier<AgentDirectory> directory;

    ClockEvents(Supplier<AgentDirectory> directory) {
        this.directory = directory;
    }

    void subscribeRateChanged(int agentId, Entry clock, boolean enabled) {
        rateChanged.set(agentId, clock.settingKey(), enabled);
    }

    void subscribeChangeRequested(int agentId, Entry clock, boolean enabled) {
        changeRequested.set(agentId, clock.settingKey(), enabled);
    }

    void forget(int agentId) {
        rateChanged.forget(agentId);
        changeRequested.forget(agentId);
    }

    void rateChangeRequested(int agentId, Entry clock, long rate) {
        send(changeRequested, ClockMessages.RATE_CHANGE_REQUESTED, agentId, clock, rate);
    }

    void rateChanged(int agentId, Entry clock, long rate) {
        send(rateChanged, ClockMessages.RATE_CHANGED, agentId, clock, rate);
    }

    private void send(Subscriptions subscriptions, int notificationId, int agentId, Entry clock, long rate) {
        AgentDirectory agents = directory.get();
        if (agents == null) {
            return;
        }
        byte[] payload = ClockMessages.notificationPayload(agentId, clock.id(), rate);
        int header = ClockMessages.notificationHeader(notificationId);
        for (int subscriber : subscriptions.agents(clock.settingKey())) {
            agents.agent(subscriber).filter(Agent::hasEventChannel).ifPresent(a -> a.sendEvent(header, payload));
        }
    }
}
