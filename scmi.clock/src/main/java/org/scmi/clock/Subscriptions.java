package org.scmi.clock;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which agents asked for one kind of notification on which clocks. Keyed by agent id and the
 * clock's setting key, so a subscription outlives a restart of the clock's driver.
 */
final class Subscriptions {
    private record Subscription(int agentId, String settingKey) {
    }

    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

    void set(int agentId, String settingKey, boolean enabled) {
        Subscription subscription = new Subscription(agentId, settingKey);
        if (enabled) {
            subscriptions.add(subscription);
        } else {
            subscriptions.remove(subscription);
        }
    }

    /** Subscribed agents in id order. */
    List<Integer> agents(String settingKey) {
        return subscriptions.stream().filter(s -> s.settingKey().equals(settingKey)).map(Subscription::agentId)
                .sorted().toList();
    }

    void forget(int agentId) {
        subscriptions.removeIf(s -> s.agentId() == agentId);
    }
}
