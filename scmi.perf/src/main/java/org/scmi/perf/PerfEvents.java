package org.scmi.perf;

import java.util.function.Supplier;
import org.scmi.api.state.AgentStateStore;
import org.scmi.perf.PerfArbiter.LevelChange;
import org.scmi.perf.PerfArbiter.ViewChange;
import org.scmi.perf.PerfDomains.Entry;
import org.scmi.support.DirectoryReference;
import org.scmi.support.ResourceNotifications;

/**
 * The two performance notifications: who subscribed to what, and what each subscriber is told.
 * PERFORMANCE_LEVEL_CHANGED goes to every subscriber when the level in effect changes;
 * PERFORMANCE_LIMITS_CHANGED goes to a subscriber when the limits it reads change (its own, or the
 * platform's). The agent_id field names the agent whose command caused the change, 0 for the
 * platform. Each subscriber is told the domain by the id it knows the domain under, and an agent
 * that does not see the domain is told nothing ({@link ResourceNotifications}). Subscriptions are
 * kept in the platform's {@link AgentStateStore} (keys {@value #LIMITS_CHANGED} and
 * {@value #LEVEL_CHANGED} followed by the domain's setting key).
 */
final class PerfEvents {
    /** Store key prefix of PERFORMANCE_NOTIFY_LIMITS subscriptions. */
    static final String LIMITS_CHANGED = "notify/limits/";
    /** Store key prefix of PERFORMANCE_NOTIFY_LEVEL subscriptions. */
    static final String LEVEL_CHANGED = "notify/level/";

    private final ResourceNotifications<Entry>.Topic limits;
    private final ResourceNotifications<Entry>.Topic level;

    /** @param domains the protocol's current snapshot of the domains */
    PerfEvents(AgentStateStore store, DirectoryReference directory, Supplier<PerfDomains> domains) {
        ResourceNotifications<Entry> notifications =
                new ResourceNotifications<>(store, PerfMessages.PERF_PROTOCOL_ID, directory, domains);
        this.limits = notifications.topic(PerfMessages.LIMITS_CHANGED, LIMITS_CHANGED);
        this.level = notifications.topic(PerfMessages.LEVEL_CHANGED, LEVEL_CHANGED);
    }

    void subscribeLimits(int agentId, Entry domain, boolean enabled) {
        limits.subscribe(agentId, domain, enabled);
    }

    void subscribeLevel(int agentId, Entry domain, boolean enabled) {
        level.subscribe(agentId, domain, enabled);
    }

    /** Tells every subscriber of the domain's level, if the level in effect changed. */
    void levelChanged(LevelChange change) {
        if (change.changed()) {
            levelChanged(change.cause(), change.domain(), change.after());
        }
    }

    /** Tells every subscriber of the domain's level that it is now {@code newLevel}. */
    void levelChanged(int cause, Entry domain, int newLevel) {
        level.publish(domain, id -> PerfMessages.levelChanged(cause, id, newLevel));
    }

    /** Tells the agent whose view of the limits moved, if it subscribed. */
    void limitsChanged(int cause, Entry domain, ViewChange view) {
        if (!view.before().equals(view.after())) {
            limits.publishTo(view.agentId(), domain, id -> PerfMessages.limitsChanged(cause, id, view.after()));
        }
    }
}
