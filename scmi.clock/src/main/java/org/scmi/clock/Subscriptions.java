package org.scmi.clock;

import java.util.List;
import java.util.function.Supplier;
import org.scmi.api.state.AgentStateStore;

/**
 * Which agents asked for one kind of notification on which clocks. Kept in the platform's
 * {@link AgentStateStore} under {@code <prefix><driver key>/<clock key>}, so a subscription
 * outlives an update of this bundle and a restart of the clock's driver.
 */
final class Subscriptions {
    private static final String ON = "1";

    private final AgentStateStore store;
    private final String prefix;
    private final Supplier<List<Integer>> agents;

    /**
     * @param prefix the store key prefix of this kind of notification, e.g. {@code notify/rate/}
     * @param agents ids of the agents that may have subscribed (the configured agents)
     */
    Subscriptions(AgentStateStore store, String prefix, Supplier<List<Integer>> agents) {
        this.store = store;
        this.prefix = prefix;
        this.agents = agents;
    }

    void set(int agentId, String settingKey, boolean enabled) {
        store.put(agentId, ClockMessages.CLOCK_PROTOCOL_ID, prefix + settingKey, enabled ? ON : null);
    }

    /** Subscribed agents in id order. */
    List<Integer> agents(String settingKey) {
        return agents.get().stream()
                .filter(agentId -> store.get(agentId, ClockMessages.CLOCK_PROTOCOL_ID, prefix + settingKey) != null)
                .sorted().toList();
    }
}
