package org.scmi.powercap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.powercap.PowercapDriver;
import org.scmi.api.powercap.PowercapListener;
import org.scmi.api.powercap.PowercapZone;
import org.scmi.api.testing.HeldCalls;

/**
 * Zones held in memory, each starting with no cap, its shortest averaging interval and a power of
 * 1 W; records the caps and intervals the protocol set and can block or fail on demand.
 */
final class TestPowercapDriver implements PowercapDriver {
    private static final int ONE_WATT = 1_000_000;

    private final List<PowercapZone> zones;
    private final Map<String, Integer> caps = new HashMap<>();
    private final Map<String, Integer> intervals = new HashMap<>();
    private final Map<String, Integer> powers = new HashMap<>();
    final List<String> sets = new CopyOnWriteArrayList<>();
    final List<PowercapListener> listeners = new CopyOnWriteArrayList<>();
    final HeldCalls hardware = new HeldCalls();

    TestPowercapDriver(PowercapZone... zones) {
        this.zones = List.of(zones);
        for (PowercapZone zone : zones) {
            caps.put(zone.key(), 0);
            intervals.put(zone.key(), zone.averagingInterval().min());
            powers.put(zone.key(), ONE_WATT);
        }
    }

    @Override
    public List<PowercapZone> zones() {
        return zones;
    }

    @Override
    public synchronized int cap(String zoneKey) throws ScmiException {
        return known(caps, zoneKey);
    }

    @Override
    public void setCap(String zoneKey, int cap) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            caps.put(zoneKey, cap);
        }
        sets.add(zoneKey + " cap " + cap);
    }

    @Override
    public synchronized int averagingInterval(String zoneKey) throws ScmiException {
        return known(intervals, zoneKey);
    }

    @Override
    public void setAveragingInterval(String zoneKey, int micros) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            intervals.put(zoneKey, micros);
        }
        sets.add(zoneKey + " pai " + micros);
    }

    @Override
    public synchronized int power(String zoneKey) throws ScmiException {
        return known(powers, zoneKey);
    }

    /** The platform caps a zone itself. */
    void platformCaps(String zoneKey, int cap) {
        synchronized (this) {
            caps.put(zoneKey, cap);
        }
        listeners.forEach(l -> l.capChanged(zoneKey, cap));
    }

    /** An averaging interval ends with {@code power} µW. */
    void measures(String zoneKey, int power) {
        synchronized (this) {
            powers.put(zoneKey, power);
        }
        listeners.forEach(l -> l.measured(zoneKey, power));
    }

    private static int known(Map<String, Integer> values, String zoneKey) throws ScmiException {
        Integer value = values.get(zoneKey);
        if (value == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, zoneKey);
        }
        return value;
    }

    @Override
    public void addListener(PowercapListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(PowercapListener listener) {
        listeners.remove(listener);
    }
}
