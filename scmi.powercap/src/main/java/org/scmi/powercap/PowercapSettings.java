package org.scmi.powercap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.scmi.api.ScmiException;
import org.scmi.api.state.AgentStateStore;
import org.scmi.powercap.PowercapZones.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What agents and the platform set on each zone, by the rule of {@code org.scmi.api.powercap}: the
 * cap in effect is the lowest cap the platform or any agent wants; the averaging interval belongs to
 * the last agent that set it, and resetting that agent puts back the interval from before any agent.
 *
 * <p>Everything lives in the platform's {@link AgentStateStore}, keyed by the zone's setting key,
 * so an update of this bundle or of the driver's keeps it: per agent, {@value #CAP} (the cap it
 * wants, absent for none) and {@value #PAI} (the interval it set, while it owns it); under the
 * platform (agent 0), {@value #CAP} (the platform's own cap, 0 for none: first the cap the zone
 * enforced before any agent asked, then what the platform reports) and {@value #PAI} (the interval
 * from before any agent changed it).
 *
 * <p>Changes to one zone are serialised by a lock per zone, held while the driver applies them: a
 * slow zone delays only commands for the same zone.
 */
final class PowercapSettings {
    static final String CAP = "cap/";
    static final String PAI = "pai/";
    private static final int PLATFORM = 0;
    private static final Logger LOG = LoggerFactory.getLogger(PowercapSettings.class);

    /**
     * The zone's cap and interval before and after something an agent or the platform did.
     *
     * @param cause the agent that caused it, 0 for the platform
     */
    record Change(Entry zone, int cause, int capBefore, int capAfter, int paiBefore, int paiAfter) {
        boolean changed() {
            return capBefore != capAfter || paiBefore != paiAfter;
        }
    }

    /** A change to one zone made under its lock. */
    @FunctionalInterface
    private interface Step {
        void apply() throws ScmiException;
    }

    private final AgentStateStore store;
    private final Supplier<List<Integer>> agents;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param store where the settings are kept
     * @param agents ids of the agents that may hold settings (the configured agents)
     */
    PowercapSettings(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.store = store;
        this.agents = agents;
    }

    /**
     * Records the cap {@code agentId} wants ({@link PowercapMessages#NO_CAP} withdraws it) and
     * enforces the lowest cap anyone wants. On a driver error the agent's cap is put back.
     */
    Change setCap(int agentId, Entry zone, int cap) throws ScmiException {
        return change(zone, agentId, () -> {
            keepPlatformCap(zone);
            String previous = get(agentId, CAP, zone);
            put(agentId, CAP, zone, cap == PowercapMessages.NO_CAP ? null : Integer.toString(cap));
            try {
                enforce(zone);
            } catch (ScmiException e) {
                put(agentId, CAP, zone, previous);
                throw e;
            }
        });
    }

    /** The platform now wants {@code cap} (0: no cap of its own); the lowest cap anyone wants is enforced. */
    Change platformCap(Entry zone, int cap) throws ScmiException {
        return change(zone, PLATFORM, () -> {
            put(PLATFORM, CAP, zone, Integer.toString(cap));
            enforce(zone);
        });
    }

    /** Sets the averaging interval on the agent's behalf; it owns the interval until another agent sets it. */
    Change setAveragingInterval(int agentId, Entry zone, int micros) throws ScmiException {
        return change(zone, agentId, () -> {
            int before = zone.driver().averagingInterval(zone.key());
            zone.driver().setAveragingInterval(zone.key(), micros);
            if (get(PLATFORM, PAI, zone) == null) {
                put(PLATFORM, PAI, zone, Integer.toString(before));
            }
            for (int other : agents.get()) {
                put(other, PAI, zone, null);
            }
            put(agentId, PAI, zone, Integer.toString(micros));
        });
    }

    /**
     * Withdraws the agent's caps and puts back the intervals it owns. A driver error leaves that zone
     * as it is (logged); the others still change. Zones whose driver is away are left alone.
     */
    List<Change> forget(int agentId, PowercapZones zones) {
        List<Change> changes = new ArrayList<>();
        for (Entry zone : zones.entries()) {
            if (!zone.present() || get(agentId, CAP, zone) == null && get(agentId, PAI, zone) == null) {
                continue;
            }
            try {
                changes.add(change(zone, agentId, () -> {
                    put(agentId, CAP, zone, null);
                    enforce(zone);
                    if (get(agentId, PAI, zone) != null) {
                        zone.driver().setAveragingInterval(zone.key(), Integer.parseInt(get(PLATFORM, PAI, zone)));
                        put(agentId, PAI, zone, null);
                        put(PLATFORM, PAI, zone, null);
                    }
                }));
            } catch (ScmiException e) {
                LOG.warn("Powercap zone {} ({}) not fully restored after agent {} was reset: {}", zone.id(),
                        zone.zone().name(), agentId, e.getMessage());
            }
        }
        return changes;
    }

    /** Enforces the lowest cap the platform or an agent wants, or none; nothing before the first cap. */
    private void enforce(Entry zone) throws ScmiException {
        String platform = get(PLATFORM, CAP, zone);
        if (platform == null) {
            return;
        }
        int lowest = Integer.parseInt(platform);
        for (int agentId : agents.get()) {
            String cap = get(agentId, CAP, zone);
            if (cap != null) {
                int wanted = Integer.parseInt(cap);
                lowest = lowest == PowercapMessages.NO_CAP ? wanted : Math.min(lowest, wanted);
            }
        }
        if (zone.driver().cap(zone.key()) != lowest) {
            zone.driver().setCap(zone.key(), lowest);
        }
    }

    /** Before the first agent's cap: the cap the zone enforces is the platform's own. */
    private void keepPlatformCap(Entry zone) throws ScmiException {
        if (get(PLATFORM, CAP, zone) == null) {
            put(PLATFORM, CAP, zone, Integer.toString(zone.driver().cap(zone.key())));
        }
    }

    private Change change(Entry zone, int cause, Step step) throws ScmiException {
        synchronized (lock(zone)) {
            int capBefore = zone.driver().cap(zone.key());
            int paiBefore = zone.driver().averagingInterval(zone.key());
            step.apply();
            return new Change(zone, cause, capBefore, zone.driver().cap(zone.key()), paiBefore,
                    zone.driver().averagingInterval(zone.key()));
        }
    }

    private Object lock(Entry zone) {
        return locks.computeIfAbsent(zone.settingKey(), key -> new Object());
    }

    private String get(int agentId, String setting, Entry zone) {
        return store.get(agentId, PowercapMessages.POWERCAP_PROTOCOL_ID, setting + zone.settingKey());
    }

    private void put(int agentId, String setting, Entry zone, String value) {
        store.put(agentId, PowercapMessages.POWERCAP_PROTOCOL_ID, setting + zone.settingKey(), value);
    }
}
