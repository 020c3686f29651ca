package org.scmi.powercap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.scmi.api.ScmiException;
import org.scmi.api.state.AgentStateStore;
import org.scmi.powercap.PowercapZones.Entry;
import org.scmi.support.ResourceSettings;
import org.scmi.support.SharedSetting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What agents and the platform set on each zone, by the rule of {@code org.scmi.api.powercap}: the
 * cap in effect is the lowest cap the platform or any agent wants; the averaging interval belongs to
 * the last agent that set it, and resetting that agent puts back the interval from before any agent.
 *
 * <p>Caps are votes of a {@link SharedSetting} in which the platform (agent 0) votes too: its own cap,
 * 0 for none, first the cap the zone enforced before any agent asked, then what the platform
 * reports. The lowest cap wins, and "no cap" loses to every cap. Everything lives in the platform's
 * {@link AgentStateStore}, keyed by the zone's setting key, so an update of this bundle or of the
 * driver's keeps it: per agent, {@value #CAP} (the cap it wants, absent for none) and {@value #PAI}
 * (the interval it set, while it owns it); under the platform, {@value #CAP} (its own cap),
 * {@value #CAP_BEFORE} (the cap before the first vote) and {@value #PAI} (the interval from before
 * any agent changed it).
 *
 * <p>Changes to one zone's cap are serialised by the shared setting's lock, changes to its interval
 * and the platform's first vote by the zone's lock ({@link ResourceSettings}); each is held while
 * the driver applies the change, so a slow zone delays only commands for the same zone.
 */
final class PowercapSettings {
    static final String CAP = "cap/";
    static final String CAP_BEFORE = "capBefore/";
    static final String PAI = "pai/";
    private static final int PLATFORM = 0;
    /** The lowest cap wins; no cap at all loses to every cap. */
    private static final Comparator<Integer> LOWEST_CAP =
            Comparator.comparingLong((Integer cap) -> cap == PowercapMessages.NO_CAP ? Long.MAX_VALUE
                    : Integer.toUnsignedLong(cap)).reversed();
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

    private final SharedSetting<Integer> caps;
    private final ResourceSettings settings;
    private final Supplier<List<Integer>> agents;

    /**
     * @param store where the settings are kept
     * @param agents ids of the agents that may hold settings (the configured agents)
     */
    PowercapSettings(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.caps = new SharedSetting<>(store, PowercapMessages.POWERCAP_PROTOCOL_ID, CAP, CAP_BEFORE,
                () -> Stream.concat(Stream.of(PLATFORM), agents.get().stream()).toList(), cap -> Integer.toString(cap),
                Integer::valueOf);
        this.settings = new ResourceSettings(store, PowercapMessages.POWERCAP_PROTOCOL_ID);
        this.agents = agents;
    }

    /**
     * Records the cap {@code agentId} wants ({@link PowercapMessages#NO_CAP} withdraws it) and
     * enforces the lowest cap anyone wants. On a driver error the agent's cap is put back.
     */
    Change setCap(int agentId, Entry zone, int cap) throws ScmiException {
        SharedSetting.Hardware<Integer> hardware = hardware(zone);
        keepPlatformCap(zone, hardware);
        if (cap != PowercapMessages.NO_CAP) {
            return capChange(zone, agentId, caps.vote(agentId, zone.settingKey(), cap, hardware));
        }
        SharedSetting.Change<Integer> withdrawn = caps.withdraw(agentId, zone.settingKey(), hardware);
        if (withdrawn != null) {
            return capChange(zone, agentId, withdrawn);
        }
        int now = hardware.read();
        int pai = zone.driver().averagingInterval(zone.key());
        return new Change(zone, agentId, now, now, pai, pai);
    }

    /**
     * Before the first agent's cap, the cap the zone enforces becomes the platform's own vote. Under
     * the zone's lock, so that no agent's cap can be applied before the platform's is read.
     */
    private void keepPlatformCap(Entry zone, SharedSetting.Hardware<Integer> hardware) throws ScmiException {
        synchronized (settings.lock(zone)) {
            if (caps.vote(PLATFORM, zone.settingKey()) == null) {
                caps.vote(PLATFORM, zone.settingKey(), hardware.read(), hardware);
            }
        }
    }

    /**
     * The platform now wants {@code cap} (0: no cap of its own) and may have applied it already; the
     * lowest cap anyone wants is enforced.
     */
    Change platformCap(Entry zone, int cap) throws ScmiException {
        SharedSetting.Hardware<Integer> hardware = hardware(zone);
        int before = hardware.read();
        caps.vote(PLATFORM, zone.settingKey(), cap, hardware);
        int after = caps.enforce(zone.settingKey(), hardware);
        int pai = zone.driver().averagingInterval(zone.key());
        return new Change(zone, PLATFORM, before, after, pai, pai);
    }

    /** Sets the averaging interval on the agent's behalf; it owns the interval until another agent sets it. */
    Change setAveragingInterval(int agentId, Entry zone, int micros) throws ScmiException {
        return settings.change(zone, () -> {
            int cap = zone.driver().cap(zone.key());
            int before = zone.driver().averagingInterval(zone.key());
            zone.driver().setAveragingInterval(zone.key(), micros);
            if (settings.get(PLATFORM, PAI, zone) == null) {
                settings.put(PLATFORM, PAI, zone, Integer.toString(before));
            }
            for (int other : agents.get()) {
                settings.put(other, PAI, zone, null);
            }
            settings.put(agentId, PAI, zone, Integer.toString(micros));
            return new Change(zone, agentId, cap, cap, before, zone.driver().averagingInterval(zone.key()));
        });
    }

    /**
     * Withdraws the agent's caps and puts back the intervals it owns. A driver error leaves that zone
     * as it is (logged); the others still change. Zones whose driver is away are left alone.
     */
    List<Change> forget(int agentId, PowercapZones zones) {
        Map<Entry, SharedSetting.Change<Integer>> withdrawn = new HashMap<>();
        caps.withdrawAll(agentId, zones.entries(), PowercapSettings::hardware, (zone, e) -> notRestored(agentId, zone, e))
                .forEach(withdrawal -> withdrawn.put(withdrawal.resource(), withdrawal.change()));
        List<Change> changes = new ArrayList<>();
        for (Entry zone : zones.entries()) {
            SharedSetting.Change<Integer> cap = withdrawn.get(zone);
            boolean ownsInterval = zone.present() && settings.get(agentId, PAI, zone) != null;
            if (cap == null && !ownsInterval) {
                continue;
            }
            try {
                int paiBefore = zone.driver().averagingInterval(zone.key());
                if (ownsInterval) {
                    settings.change(zone, () -> {
                        zone.driver().setAveragingInterval(zone.key(),
                                Integer.parseInt(settings.get(PLATFORM, PAI, zone)));
                        settings.put(agentId, PAI, zone, null);
                        settings.put(PLATFORM, PAI, zone, null);
                        return null;
                    });
                }
                int capNow = zone.driver().cap(zone.key());
                changes.add(new Change(zone, agentId, cap != null ? cap.before() : capNow,
                        cap != null ? cap.after() : capNow, paiBefore, zone.driver().averagingInterval(zone.key())));
            } catch (ScmiException e) {
                notRestored(agentId, zone, e);
            }
        }
        return changes;
    }

    private static void notRestored(int agentId, Entry zone, ScmiException e) {
        LOG.warn("Powercap zone {} ({}) not fully restored after agent {} was reset: {}", zone.id(),
                zone.zone().name(), agentId, e.getMessage());
    }

    private static Change capChange(Entry zone, int cause, SharedSetting.Change<Integer> change) throws ScmiException {
        int pai = zone.driver().averagingInterval(zone.key());
        return new Change(zone, cause, change.before(), change.after(), pai, pai);
    }

    /** The zone's cap in its driver. */
    private static SharedSetting.Hardware<Integer> hardware(Entry zone) {
        return new SharedSetting.Hardware<>() {
            @Override
            public Integer read() throws ScmiException {
                return zone.driver().cap(zone.key());
            }

            @Override
            public void write(Integer cap) throws ScmiException {
                zone.driver().setCap(zone.key(), cap);
            }

            @Override
            public Comparator<Integer> preference() {
                return LOWEST_CAP;
            }
        };
    }
}
