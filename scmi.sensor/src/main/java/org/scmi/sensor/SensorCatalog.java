package org.scmi.sensor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drivers' sensors merged into one numbered list. Drivers are ordered by key, each driver's
 * sensors in its own order; a sensor's board id is its position, and each agent numbers the
 * sensors its profile lists ({@link SensorList#seenBy}). A driver that goes away (a bundle being
 * updated) keeps its place: its sensors stay listed, and reads of them wait for a driver with the
 * same key to return, so the ids of every other sensor do not move under a guest that already
 * enumerated them.
 *
 * <p>Thread-safe: changes are serialised, readers see an immutable snapshot.
 */
final class SensorCatalog {
    /** Sensor ids are 16-bit on the wire (PROTOCOL_ATTRIBUTES). */
    static final int MAX_SENSORS = 0xFFFF;
    private static final Logger LOG = LoggerFactory.getLogger(SensorCatalog.class);

    private record Listing(SensorDriver driver, List<SensorInfo> sensors) {
    }

    private final Map<String, Listing> listings = new TreeMap<>();
    private volatile SensorList sensors = SensorList.EMPTY;

    /** Adds a driver; false if a different driver with the same key is present. */
    synchronized boolean add(SensorDriver driver) {
        String key = driver.key();
        Listing current = listings.get(key);
        if (current != null && current.driver() != null && current.driver() != driver) {
            LOG.error("sensor driver key '{}' is already taken; ignoring the second driver", key);
            return false;
        }
        listings.put(key, new Listing(driver, sensorsOf(driver)));
        rebuild();
        return true;
    }

    /** Re-reads a present driver's sensor list. */
    synchronized void refresh(SensorDriver driver) {
        Listing current = listings.get(driver.key());
        if (current != null && current.driver() == driver) {
            listings.put(driver.key(), new Listing(driver, sensorsOf(driver)));
            rebuild();
        }
    }

    /** Marks a driver away; its sensors keep their ids. */
    synchronized void remove(SensorDriver driver) {
        Listing current = listings.get(driver.key());
        if (current != null && current.driver() == driver) {
            listings.put(driver.key(), new Listing(null, current.sensors()));
            rebuild();
        }
    }

    /** The current snapshot: the board's list, and each agent's view of it. */
    SensorList sensors() {
        return sensors;
    }

    Optional<Sensor> byUid(String uid) {
        return sensors.find(uid);
    }

    /** The present sensor a driver calls by its key. */
    Optional<Sensor> of(SensorDriver driver, String sensorKey) {
        return byUid(uid(driver.key(), sensorKey)).filter(s -> s.driver() == driver);
    }

    private void rebuild() {
        List<Sensor> merged = new ArrayList<>();
        for (Map.Entry<String, Listing> entry : listings.entrySet()) {
            for (SensorInfo info : entry.getValue().sensors()) {
                if (merged.size() == MAX_SENSORS) {
                    LOG.error("more than {} sensors; sensor {} and later ones are not listed", MAX_SENSORS,
                            uid(entry.getKey(), info.key()));
                    sensors = new SensorList(merged);
                    return;
                }
                merged.add(new Sensor(uid(entry.getKey(), info.key()), entry.getValue().driver(), info));
            }
        }
        sensors = new SensorList(merged);
    }

    private static List<SensorInfo> sensorsOf(SensorDriver driver) {
        List<SensorInfo> listed;
        try {
            listed = driver.sensors();
        } catch (RuntimeException e) {
            LOG.error("sensor driver '{}' failed to list its sensors", driver.key(), e);
            return List.of();
        }
        Set<String> keys = new HashSet<>();
        List<SensorInfo> unique = new ArrayList<>();
        for (SensorInfo info : listed) {
            if (keys.add(info.key())) {
                unique.add(info);
            } else {
                LOG.error("sensor driver '{}' lists sensor key '{}' twice; keeping the first", driver.key(),
                        info.key());
            }
        }
        return List.copyOf(unique);
    }

    static String uid(String driverKey, String sensorKey) {
        return driverKey + "/" + sensorKey;
    }
}
