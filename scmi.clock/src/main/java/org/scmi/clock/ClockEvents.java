package org.scmi.clock;

import java.util.List;
import java.util.function.Supplier;
import org.scmi.api.AgentDirectory;
import org.scmi.api.state.AgentStateStore;
import org.scmi.clock.Clocks.Entry;
import org.scmi.support.Subscriptions;

/**
 * The two clock notifications: who subscribed to what, and sending to exactly those agents.
 * Subscriptions are kept in the platform's {@link AgentStateStore} (keys {@value #RATE_CHANGED} and
 * {@value #CHANGE_REQUESTED} followed by the clock's setting key).
 */
final class ClockEvents {
    /** agent_id reported for changes the platform made itself. */
    static final int PLATFORM = 0;
    /** Store key prefix of CLOCK_RATE_NOTIFY subscriptions. */
    static final String RATE_CHANGED = "notify/rate/";
    /** Store key prefix of CLOCK_RATE_CHANGE_REQUESTED_NOTIFY subscriptions. */
    static final String CHANGE_REQUESTED = "notify/request/";

    private final Subscriptions rateChanged;
    private final Subscriptions changeRequested;
    private final Supplier<AgentDirectory> directory;

    ClockEvents(AgentStateStore store, Supplier<AgentDirectory> directory, Supplier<List<Integer>> agents) {
        this.directory = directory;
        this.rateChanged = new Subscriptions(store, ClockMessages.CLOCK_PROTOCOL_ID, RATE_CHANGED, agents);
        this.changeRequested = new Subscriptions(store, ClockMessages.CLOCK_PROTOCOL_ID, CHANGE_REQUESTED, agents);
    }

    void subscribeRateChanged(int agentId, Entry clock, boolean enabled) {
        rateChanged.set(agentId, clock.settingKey(), enabled);
    }

    void subscribeChangeRequested(int agentId, Entry clock, boolean enabled) {
        changeRequested.set(agentId, clock.settingKey(), enabled);
    }

    void rateChangeRequested(int agentId, Entry clock, long rate) {
        send(changeRequested, ClockMessages.RATE_CHANGE_REQUESTED, agentId, clock, rate);
    }

    void rateChanged(int agentId, Entry clock, long rate) {
        send(rateChanged, ClockMessages.RATE_CHANGED, agentId, clock, rate);
    }

    private void send(Subscriptions subscriptions, int notificationId, int agentId, Entry clock, long rate) {
        AgentDirectory agents = directory.get();
        if (agents != null) {
            subscriptions.deliver(agents, clock.settingKey(), ClockMessages.notificationHeader(notificationId),
                    ClockMessages.notificationPayload(agentId, clock.id(), rate));
        }
    }
}
