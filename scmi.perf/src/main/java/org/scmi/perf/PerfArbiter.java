package org.scmi.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.perf.PerfLimits;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.ResourceSettings;
import org.scmi.perf.PerfDomains.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares each domain between agents by the rule of {@code org.scmi.api.perf}: an agent's limits
 * bound only its own request, the level in effect is the highest request that counts, within the
 * platform's limits; with no request the domain keeps the level it had before the first one.
 *
 * <p>Everything lives in the platform's {@link AgentStateStore}, keyed by the domain's setting key,
 * so an update of this bundle or of the driver's keeps it: per agent, {@value #LEVEL} (the level it
 * asked for) and {@value #LIMITS} (its own limits, {@code max,min}); under the platform (agent 0),
 * {@value #BASELINE} (the level before the first request, kept while any agent has a request or
 * limits) and {@value #LIMITS} (the platform's limits as last seen, to tell which agents' limits a
 * change of the platform's moved).
 *
 * <p>Changes to one domain are serialised by its lock ({@link ResourceSettings}), held while the
 * driver changes the level: a slow domain delays only commands for the same domain.
 */
final class PerfArbiter {
    static final String LEVEL = "level/";
    static final String LIMITS = "limits/";
    static final String BASELINE = "baseline/";
    private static final int PLATFORM = 0;
    private static final String SEPARATOR = ",";
    private static final Logger LOG = LoggerFactory.getLogger(PerfArbiter.class);

    /** The level in effect before and after something an agent or the platform did. */
    record LevelChange(Entry domain, int cause, int before, int after) {
        boolean changed() {
            return before != after;
        }
    }

    /** What one agent reads from PERFORMANCE_LIMITS_GET before and after a change. */
    record ViewChange(int agentId, PerfLimits before, PerfLimits after) {
    }

    /** An agent's PERFORMANCE_LIMITS_SET: its view of the limits before and after, and the level. */
    record LimitsChange(ViewChange view, LevelChange level) {
    }

    /** A change of the platform's limits: the agents whose view moved, and the level. */
    record PlatformLimitsChange(List<ViewChange> views, LevelChange level) {
    }

    private final ResourceSettings settings;
    private final Supplier<List<Integer>> agents;

    /**
     * @param store where requests and limits are kept
     * @param agents ids of the agents that may hold requests (the configured agents)
     */
    PerfArbiter(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.settings = new ResourceSettings(store, PerfMessages.PERF_PROTOCOL_ID);
        this.agents = agents;
    }

    /** The limits {@code agentId} works within: its own limits moved into the platform's. */
    PerfLimits view(int agentId, Entry domain) throws ScmiException {
        return own(agentId, domain).within(domain.driver().limits(domain.key()));
    }

    /**
     * Records the agent's request for {@code level} and moves the domain if the level in effect
     * changes. OUT_OF_RANGE for a level outside the agent's view of the limits; on a driver error the
     * request is withdrawn again and the error thrown.
     */
    LevelChange request(int agentId, Entry domain, int level) throws ScmiException {
        return settings.change(domain, () -> {
            PerfLimits view = view(agentId, domain);
            if (!view.contains(level)) {
                throw new ScmiException(ScmiStatus.OUT_OF_RANGE, "level " + Integer.toUnsignedString(level)
                        + " outside the limits " + view.min() + ".." + view.max() + " of domain " + domain.id());
            }
            keepBaseline(domain);
            String previous = settings.get(agentId, LEVEL, domain);
            settings.put(agentId, LEVEL, domain, Integer.toString(level));
            try {
                return apply(domain, agentId);
            } catch (ScmiException e) {
                settings.put(agentId, LEVEL, domain, previous);
                throw e;
            }
        });
    }

    /** Records the agent's own limits and moves the domain if the level in effect changes. */
    LimitsChange limit(int agentId, Entry domain, PerfLimits limits) throws ScmiException {
        return settings.change(domain, () -> {
            PerfLimits before = view(agentId, domain);
            keepBaseline(domain);
            String previous = settings.get(agentId, LIMITS, domain);
            settings.put(agentId, LIMITS, domain, encode(limits));
            try {
                LevelChange level = apply(domain, agentId);
                return new LimitsChange(new ViewChange(agentId, before, view(agentId, domain)), level);
            } catch (ScmiException e) {
                settings.put(agentId, LIMITS, domain, previous);
                throw e;
            }
        });
    }

    /** The agent's own limits, the whole range if it set none. */
    PerfLimits own(int agentId, Entry domain) {
        String stored = settings.get(agentId, LIMITS, domain);
        return stored == null ? domain.domain().fullRange() : decode(stored);
    }

    /**
     * Withdraws every request and limit of {@code agentId} and moves the domains whose level in
     * effect changes. A driver error leaves that domain as it is (logged); the others still change.
     * Domains whose driver is away keep the agent's settings: nothing can be moved.
     */
    List<LevelChange> forget(int agentId, PerfDomains domains) {
        List<LevelChange> changes = new ArrayList<>();
        for (Entry domain : domains.entries()) {
            if (!domain.present() || settings.get(agentId, LEVEL, domain) == null && settings.get(agentId, LIMITS, domain) == null) {
                continue;
            }
            try {
                changes.add(settings.change(domain, () -> {
                    settings.put(agentId, LEVEL, domain, null);
                    settings.put(agentId, LIMITS, domain, null);
                    LevelChange level = apply(domain, agentId);
                    if (!anyAgentCounts(domain)) {
                        settings.put(PLATFORM, BASELINE, domain, null);
                    }
                    return level;
                }));
            } catch (ScmiException e) {
                LOG.warn("Performance domain {} ({}) not moved after agent {} was reset: {}", domain.id(),
                        domain.domain().name(), agentId, e.getMessage());
            }
        }
        return changes;
    }

    /**
     * The platform's limits changed: which agents' views moved (against the limits last seen). The
     * level is left alone here; {@link #rearbitrate} moves it, off the driver's thread.
     */
    List<ViewChange> platformLimits(Entry domain, PerfLimits limits) {
        synchronized (settings.lock(domain)) {
            String seen = settings.get(PLATFORM, LIMITS, domain);
            PerfLimits before = seen == null ? domain.domain().fullRange() : decode(seen);
            settings.put(PLATFORM, LIMITS, domain, encode(limits));
            List<ViewChange> views = new ArrayList<>();
            for (int agentId : agents.get()) {
                PerfLimits own = own(agentId, domain);
                if (!own.within(before).equals(own.within(limits))) {
                    views.add(new ViewChange(agentId, own.within(before), own.within(limits)));
                }
            }
            return views;
        }
    }

    /**
     * Notes the platform's limits of a domain whose driver was just bound, unless limits were seen
     * already: a change made while this protocol was away is then still told to the agents it moved.
     */
    void remember(Entry domain) throws ScmiException {
        synchronized (settings.lock(domain)) {
            if (settings.get(PLATFORM, LIMITS, domain) == null) {
                settings.put(PLATFORM, LIMITS, domain, encode(domain.driver().limits(domain.key())));
            }
        }
    }

    /** Moves the domain to what the agents ask for within the platform's limits as they are now. */
    LevelChange rearbitrate(Entry domain) throws ScmiException {
        return settings.change(domain, () -> apply(domain, PLATFORM));
    }

    /** The platform moved the level itself: with no request it stays there, as the level before any request. */
    void platformMoved(Entry domain, int level) {
        synchronized (settings.lock(domain)) {
            if (settings.get(PLATFORM, BASELINE, domain) != null) {
                settings.put(PLATFORM, BASELINE, domain, Integer.toString(level));
            }
        }
    }

    private LevelChange apply(Entry domain, int cause) throws ScmiException {
        int before = domain.driver().level(domain.key());
        int target = target(domain);
        if (target != before) {
            domain.driver().setLevel(domain.key(), target);
        }
        return new LevelChange(domain, cause, before, target);
    }

    /** The highest request that counts; with none, the level before the first request; within the platform's limits. */
    private int target(Entry domain) throws ScmiException {
        PerfLimits platform = domain.driver().limits(domain.key());
        Integer highest = null;
        for (int agentId : agents.get()) {
            String level = settings.get(agentId, LEVEL, domain);
            if (level == null && settings.get(agentId, LIMITS, domain) == null) {
                continue;
            }
            PerfLimits view = own(agentId, domain).within(platform);
            int counted = level == null ? view.min() : view.clamp(Integer.parseInt(level));
            highest = highest == null ? counted : Math.max(highest, counted);
        }
        if (highest != null) {
            return highest;
        }
        String baseline = settings.get(PLATFORM, BASELINE, domain);
        return platform.clamp(baseline != null ? Integer.parseInt(baseline) : domain.driver().level(domain.key()));
    }

    private void keepBaseline(Entry domain) throws ScmiException {
        if (settings.get(PLATFORM, BASELINE, domain) == null) {
            settings.put(PLATFORM, BASELINE, domain, Integer.toString(domain.driver().level(domain.key())));
        }
    }

    private boolean anyAgentCounts(Entry domain) {
        return agents.get().stream()
                .anyMatch(agentId -> settings.get(agentId, LEVEL, domain) != null || settings.get(agentId, LIMITS, domain) != null);
    }

    private static String encode(PerfLimits limits) {
        return limits.max() + SEPARATOR + limits.min();
    }

    private static PerfLimits decode(String stored) {
        String[] ends = stored.split(SEPARATOR);
        return new PerfLimits(Integer.parseInt(ends[0]), Integer.parseInt(ends[1]));
    }
}
