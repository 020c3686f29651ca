package org.scmi.powercap;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.Subscriptions;
import org.scmi.powercap.PowercapZones.Entry;

/**
 * The two powercap notifications. POWERCAP_CAP_CHANGED goes to every subscriber of a zone when its
 * cap in effect or its averaging interval changes, naming the agent that caused it (0 for the
 * platform). POWERCAP_MEASUREMENTS_CHANGED goes, at the end of each averaging interval, to every
 * subscriber whose thresholds the zone's average power is outside of. Each subscriber is told the
 * zone by the id it knows the zone under. Subscriptions are kept in the platform's
 * {@link AgentStateStore}: {@value #CAP_CHANGED} followed by the zone's setting key, and
 * {@value #MEASUREMENTS} followed by it with the thresholds {@code low,high} (µW) as the value.
 */
final class PowercapEvents {
    /** agent_id reported for changes the platform made itself, and for measurements. */
    static final int PLATFORM = 0;
    /** Store key prefix of POWERCAP_CAP_NOTIFY subscriptions. */
    static final String CAP_CHANGED = "notify/cap/";
    /** Store key prefix of POWERCAP_MEASUREMENTS_NOTIFY subscriptions and their thresholds. */
    static final String MEASUREMENTS = "notify/measurements/";
    private static final String SEPARATOR = ",";

    private final AgentStateStore store;
    private final Subscriptions cap;
    private final Supplier<AgentDirectory> directory;
    private final Supplier<List<Integer>> agents;
    private final Function<Agent, PowercapZones> zones;

    /** @param zones the zones as one agent sees them */
    PowercapEvents(AgentStateStore store, Supplier<AgentDirectory> directory, Supplier<List<Integer>> agents,
            Function<Agent, PowercapZones> zones) {
        this.store = store;
        this.directory = directory;
        this.agents = agents;
        this.zones = zones;
        this.cap = new Subscriptions(store, PowercapMessages.POWERCAP_PROTOCOL_ID, CAP_CHANGED, agents);
    }

    void subscribeCap(int agentId, Entry zone, boolean enabled) {
        cap.set(agentId, zone.settingKey(), enabled);
    }

    /** Subscribes with thresholds {@code low..high} µW, or unsubscribes for a null range. */
    void subscribeMeasurements(int agentId, Entry zone, int low, int high, boolean enabled) {
        store.put(agentId, PowercapMessages.POWERCAP_PROTOCOL_ID, MEASUREMENTS + zone.settingKey(),
                enabled ? Integer.toUnsignedString(low) + SEPARATOR + Integer.toUnsignedString(high) : null);
    }

    /** Tells every subscriber of the zone's cap what the cap and interval are now. */
    void capChanged(PowercapSettings.Change change) {
        if (change.changed()) {
            capChanged(change.cause(), change.zone(), change.capAfter(), change.paiAfter());
        }
    }

    /** Tells every subscriber of the zone's cap that the cap in effect is {@code cap} with interval {@code pai}. */
    void capChanged(int cause, Entry zone, int capNow, int paiNow) {
        for (int subscriber : cap.agents(zone.settingKey())) {
            send(subscriber, zone, PowercapMessages.CAP_CHANGED,
                    id -> PowercapMessages.capChanged(cause, id, capNow, paiNow));
        }
    }

    /** An averaging interval ended: tells the subscribers whose thresholds {@code power} is outside of. */
    void measured(Entry zone, int power) {
        for (int agentId : agents.get()) {
            String thresholds = store.get(agentId, PowercapMessages.POWERCAP_PROTOCOL_ID,
                    MEASUREMENTS + zone.settingKey());
            if (thresholds == null) {
                continue;
            }
            String[] ends = thresholds.split(SEPARATOR);
            if (Integer.compareUnsigned(power, Integer.parseUnsignedInt(ends[0])) < 0
                    || Integer.compareUnsigned(power, Integer.parseUnsignedInt(ends[1])) > 0) {
                send(agentId, zone, PowercapMessages.MEASUREMENTS_CHANGED,
                        id -> PowercapMessages.measurementsChanged(PLATFORM, id, power));
            }
        }
    }

    private void send(int agentId, Entry zone, int notificationId, IntFunction<byte[]> payload) {
        Subscriptions.sendTo(directory.get(), agentId, zones, zone.settingKey(),
                PowercapMessages.notificationHeader(notificationId), payload);
    }
}
