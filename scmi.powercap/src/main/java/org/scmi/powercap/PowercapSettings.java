package org.scmi.powercap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.scmi.api.ScmiException;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.ResourceSettings;
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
 * <p>Changes to one zone are serialised by its lock ({@link ResourceSettings}), held while the
 * driver applies them: a slow zone delays only commands for the same zone.
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

    private final ResourceSettings settings;
    private final Supplier<List<Integer>> agents;

    /**
     * @param store where the settings are kept
     * @param agents ids of the agents that may hold settings (the configured agents)
     */
    PowercapSettings(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.settings = new ResourceSettings(store, PowercapMessages.POWERCAP_PROTOCOL_ID);
        this.agents = agents;
    }

    /**
     * Records the cap {@code agentId} wants ({@link PowercapMessages#NO_CAP} withdraws it) and
     * enforces the lowest cap anyone wants. On a driver error the agent's cap is put back.
     */
    Change setCap(int agentId, Entry zone, int cap) throws ScmiException {
        return change(zone, agentId, () -> {
            keepPlatformCap(zone);
            String previous = settings.get(agentId, CAP, zone);
            settings.put(agentId, CAP, zone, cap == PowercapMessages.NO_CAP ? null : Integer.toString(cap));
            try {
                enforce(zone);
            } catch (ScmiException e) {
                settings.put(agentId, CAP, zone, previous);
                throw e;
            }
        });
    }

    /** The platform now wants {@code cap} (0: no cap of its own); the lowest cap anyone wants is enforced. */
    Change platformCap(Entry zone, int cap) throws ScmiException {
        return change(zone, PLATFORM, () -> {
            settings.put(PLATFORM, CAP, zone, Integer.toString(cap));
            enforce(zone);
        });
    }

    /** Sets the averaging interval on the agent's behalf; it owns the interval until another agent sets it. */
    Change setAveragingInterval(int agentId, Entry zone, int micros) throws ScmiException {
        return change(zone, agentId, () -> {
            int before = zone.driver().averagingInterval(zone.key());
            zone.driver().setAveragingInterval(zone.key(), micros);
            if (settings.get(PLATFORM, PAI, zone) == null) {
                settings.put(PLATFORM, PAI, zone, Integer.toString(before));
            }
            for (int other : agents.get()) {
                settings.put(other, PAI, zone, null);
            }
            settings.put(agentId, PAI, zone, Integer.toString(micros));
        });
    }

    /**
     * Withdraws the agent's caps and puts back the intervals it owns. A driver error leaves that zone
     * as it is (logged); the others still change. Zones whose driver is away are left alone.
     */
    List<Change> forget(int agentId, PowercapZones zones) {
        List<Change> changes = new ArrayList<>();
        for (Entry zone : zones.entries()) {
            if (!zone.present() || settings.get(agentId, CAP, zone) == null && settings.get(agentId, PAI, zone) == null) {
                continue;
            }
            try {
                changes.add(change(zone, agentId, () -> {
                    settings.put(agentId, CAP, zone, null);
                    enforce(zone);
                    if (settings.get(agentId, PAI, zone) != null) {
                        zone.driver().setAveragingInterval(zone.key(), Integer.parseInt(settings.get(PLATFORM, PAI, zone)));
                        settings.put(agentId, PAI, zone, null);
                        settings.put(PLATFORM, PAI, zone, null);
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
        String platform = settings.get(PLATFORM, CAP, zone);
        if (platform == null) {
            return;
        }
        int lowest = Integer.parseInt(platform);
        for (int agentId : agents.get()) {
            String cap = settings.get(agentId, CAP, zone);
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
        if (settings.get(PLATFORM, CAP, zone) == null) {
            settings.put(PLATFORM, CAP, zone, Integer.toString(zone.driver().cap(zone.key())));
        }
    }

    /** Runs {@code step} under the zone's lock; what the zone enforced before and after it. */
    private Change change(Entry zone, int cause, Step step) throws ScmiException {
        return settings.change(zone, () -> {
            int capBefore = zone.driver().cap(zone.key());
            int paiBefore = zone.driver().averagingInterval(zone.key());
            step.apply();
            return new Change(zone, cause, capBefore, zone.driver().cap(zone.key()), paiBefore,
                    zone.driver().averagingInterval(zone.key()));
        });
    }
}
