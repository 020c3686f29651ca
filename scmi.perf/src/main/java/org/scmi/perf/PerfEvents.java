package org.scmi.perf;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.Subscriptions;
import org.scmi.perf.PerfArbiter.LevelChange;
import org.scmi.perf.PerfArbiter.ViewChange;
import org.scmi.perf.PerfDomains.Entry;

/**
 * The two performance notifications: who subscribed to what, and what each subscriber is told.
 * PERFORMANCE_LEVEL_CHANGED goes to every subscriber when the level in effect changes;
 * PERFORMANCE_LIMITS_CHANGED goes to a subscriber when the limits it reads change (its own, or the
 * platform's). The agent_id field names the agent whose command caused the change, 0 for the
 * platform. Each subscriber is told the domain by the id it knows the domain under. Subscriptions
 * are kept in the platform's {@link AgentStateStore} (keys {@value #LIMITS_CHANGED} and
 * {@value #LEVEL_CHANGED} followed by the domain's setting key).
 */
final class PerfEvents {
    /** agent_id reported for changes the platform made itself. */
    static final int PLATFORM = 0;
    /** Store key prefix of PERFORMANCE_NOTIFY_LIMITS subscriptions. */
    static final String LIMITS_CHANGED = "notify/limits/";
    /** Store key prefix of PERFORMANCE_NOTIFY_LEVEL subscriptions. */
    static final String LEVEL_CHANGED = "notify/level/";

    private final Subscriptions limits;
    private final Subscriptions level;
    private final Supplier<AgentDirectory> directory;
    private final Function<Agent, PerfDomains> domains;

    /** @param domains the domains as one agent sees them */
    PerfEvents(AgentStateStore store, Supplier<AgentDirectory> directory, Supplier<List<Integer>> agents,
            Function<Agent, PerfDomains> domains) {
        this.directory = directory;
        this.domains = domains;
        this.limits = new Subscriptions(store, PerfMessages.PERF_PROTOCOL_ID, LIMITS_CHANGED, agents);
        this.level = new Subscriptions(store, PerfMessages.PERF_PROTOCOL_ID, LEVEL_CHANGED, agents);
    }

    void subscribeLimits(int agentId, Entry domain, boolean enabled) {
        limits.set(agentId, domain.settingKey(), enabled);
    }

    void subscribeLevel(int agentId, Entry domain, boolean enabled) {
        level.set(agentId, domain.settingKey(), enabled);
    }

    /** Tells every subscriber of the domain's level, if the level in effect changed. */
    void levelChanged(LevelChange change) {
        if (change.changed()) {
            levelChanged(change.cause(), change.domain(), change.after());
        }
    }

    /** Tells every subscriber of the domain's level that it is now {@code newLevel}. */
    void levelChanged(int cause, Entry domain, int newLevel) {
        for (int subscriber : level.agents(domain.settingKey())) {
            send(subscriber, domain, PerfMessages.LEVEL_CHANGED,
                    id -> PerfMessages.levelChanged(cause, id, newLevel));
        }
    }

    /** Tells the agent whose view of the limits moved, if it subscribed. */
    void limitsChanged(int cause, Entry domain, ViewChange view) {
        if (!view.before().equals(view.after()) && limits.agents(domain.settingKey()).contains(view.agentId())) {
            send(view.agentId(), domain, PerfMessages.LIMITS_CHANGED,
                    id -> PerfMessages.limitsChanged(cause, id, view.after()));
        }
    }

    private void send(int agentId, Entry domain, int notificationId, IntFunction<byte[]> payload) {
        Subscriptions.sendTo(directory.get(), agentId, domains, domain.settingKey(),
                PerfMessages.notificationHeader(notificationId), payload);
    }
}
