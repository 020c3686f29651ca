package org.scmi.powercap;

import java.util.function.Supplier;
import org.scmi.api.state.AgentStateStore;
import org.scmi.powercap.PowercapZones.Entry;
import org.scmi.support.DirectoryReference;
import org.scmi.support.ResourceNotifications;

/**
 * The two powercap notifications. POWERCAP_CAP_CHANGED goes to every subscriber of a zone when its
 * cap in effect or its averaging interval changes, naming the agent that caused it (0 for the
 * platform). POWERCAP_MEASUREMENTS_CHANGED goes, at the end of each averaging interval, to every
 * subscriber whose thresholds the zone's average power is outside of. Each subscriber is told the
 * zone by the id it knows the zone under, and an agent that does not see the zone is told nothing
 * ({@link ResourceNotifications}). Subscriptions are kept in the platform's
 * {@link AgentStateStore}: {@value #CAP_CHANGED} followed by the zone's setting key, and
 * {@value #MEASUREMENTS} followed by it with the thresholds {@code low,high} (µW) as the value.
 */
final class PowercapEvents {
    /** Store key prefix of POWERCAP_CAP_NOTIFY subscriptions. */
    static final String CAP_CHANGED = "notify/cap/";
    /** Store key prefix of POWERCAP_MEASUREMENTS_NOTIFY subscriptions and their thresholds. */
    static final String MEASUREMENTS = "notify/measurements/";
    private static final String SEPARATOR = ",";

    private final AgentStateStore store;
    private final DirectoryReference directory;
    private final ResourceNotifications<Entry> notifications;
    private final ResourceNotifications<Entry>.Topic cap;

    /** @param zones the protocol's current snapshot of the zones */
    PowercapEvents(AgentStateStore store, DirectoryReference directory, Supplier<PowercapZones> zones) {
        this.store = store;
        this.directory = directory;
        this.notifications = new ResourceNotifications<>(store, PowercapMessages.POWERCAP_PROTOCOL_ID, directory,
                zones);
        this.cap = notifications.topic(PowercapMessages.CAP_CHANGED, CAP_CHANGED);
    }

    void subscribeCap(int agentId, Entry zone, boolean enabled) {
        cap.subscribe(agentId, zone, enabled);
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
        cap.publish(zone, id -> PowercapMessages.capChanged(cause, id, capNow, paiNow));
    }

    /** An averaging interval ended: tells the subscribers whose thresholds {@code power} is outside of. */
    void measured(Entry zone, int power) {
        for (int agentId : directory.agentIds()) {
            String thresholds = store.get(agentId, PowercapMessages.POWERCAP_PROTOCOL_ID,
                    MEASUREMENTS + zone.settingKey());
            if (thresholds == null) {
                continue;
            }
            String[] ends = thresholds.split(SEPARATOR);
            if (Integer.compareUnsigned(power, Integer.parseUnsignedInt(ends[0])) < 0
                    || Integer.compareUnsigned(power, Integer.parseUnsignedInt(ends[1])) > 0) {
                notifications.send(agentId, PowercapMessages.MEASUREMENTS_CHANGED, zone,
                        id -> PowercapMessages.measurementsChanged(ResourceNotifications.PLATFORM, id, power));
            }
        }
    }
}
