package org.scmi.sensor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.state.AgentStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every agent's sensor settings, kept in the platform's {@link AgentStateStore} under
 * {@value #CONFIG}{@code <sensor uid>} (not by sensor id, so settings follow a sensor if the list
 * changes), so that they outlive an update of this bundle. Guests never see each other's settings.
 *
 * <p>Reading settings is on every sensor read's path, so it makes nothing once warm: store keys are
 * made once per sensor, a stored line is parsed once per change (the line last parsed is kept with
 * what it said), and a sensor's defaults once per sensor description.
 */
final class SettingsStore {
    /** Store key prefix of an agent's settings of one sensor. */
    static final String CONFIG = "config/";
    private static final int AGENT_IDS = 256;
    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);

    /** A stored line and the settings it holds. */
    private record Parsed(String line, SensorSettings settings) {
    }

    /** The defaults of a sensor as a driver described it. */
    private record Defaults(SensorInfo info, SensorSettings settings) {
    }

    private final AgentStateStore store;
    private final Supplier<List<Integer>> agents;
    /** Serialises read-modify-write of one agent's settings of one sensor. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Store key of each sensor uid's settings. */
    private final Map<String, String> storeKeys = new ConcurrentHashMap<>();
    private final Map<String, Defaults> defaults = new ConcurrentHashMap<>();
    /** Per agent id, per sensor uid: the line last parsed. */
    private final AtomicReferenceArray<Map<String, Parsed>> parsed = new AtomicReferenceArray<>(AGENT_IDS);

    /**
     * @param agents ids of the agents that may hold settings (the configured agents)
     */
    SettingsStore(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.store = store;
        this.agents = agents;
    }

    SensorSettings get(int agentId, Sensor sensor) {
        SensorSettings settings = stored(agentId, sensor.uid());
        return settings != null ? settings : defaults(sensor);
    }

    private SensorSettings defaults(Sensor sensor) {
        Defaults known = defaults.get(sensor.uid());
        if (known == null || known.info() != sensor.info()) {
            known = new Defaults(sensor.info(), SensorSettings.defaults(sensor.info()));
            defaults.put(sensor.uid(), known);
        }
        return known.settings();
    }

    /** Atomically changes one agent's settings of one sensor and returns the result. */
    SensorSettings update(int agentId, Sensor sensor, UnaryOperator<SensorSettings> change) {
        synchronized (locks.computeIfAbsent(agentId + "/" + sensor.uid(), key -> new Object())) {
            SensorSettings changed = change.apply(get(agentId, sensor));
            store.put(agentId, SensorMessages.PROTOCOL_ID, storeKey(sensor.uid()), changed.stored());
            return changed;
        }
    }

    /** Calls {@code action} with each agent id and the uid of each sensor it has settings for. */
    void forEachSetting(BiConsumer<Integer, String> action) {
        for (int agentId : agents.get()) {
            store.entries(agentId, SensorMessages.PROTOCOL_ID, CONFIG).keySet()
                    .forEach(key -> action.accept(agentId, key.substring(CONFIG.length())));
        }
    }

    /** Forgets everything the agent set up through this protocol. */
    void forget(int agentId) {
        store.clear(agentId, SensorMessages.PROTOCOL_ID);
        parsed.set(agentId, null);
    }

    /** What the agent set up for the sensor, or null if it set nothing up (the defaults apply). */
    SensorSettings stored(int agentId, String uid) {
        String line = store.get(agentId, SensorMessages.PROTOCOL_ID, storeKey(uid));
        if (line == null) {
            return null;
        }
        Map<String, Parsed> agentLines = parsed(agentId);
        Parsed last = agentLines.get(uid);
        if (last != null && last.line().equals(line)) {
            return last.settings();
        }
        try {
            SensorSettings settings = SensorSettings.fromStored(line);
            agentLines.put(uid, new Parsed(line, settings));
            return settings;
        } catch (RuntimeException e) {
            LOG.error("agent {}: unreadable settings of sensor {} ('{}'); using the defaults: {}", agentId, uid, line,
                    e.getMessage());
            return null;
        }
    }

    private String storeKey(String uid) {
        return storeKeys.computeIfAbsent(uid, SettingsStore::configKey);
    }

    private static String configKey(String uid) {
        return CONFIG + uid;
    }

    private Map<String, Parsed> parsed(int agentId) {
        Map<String, Parsed> lines = parsed.get(agentId);
        if (lines == null) {
            parsed.compareAndSet(agentId, null, new ConcurrentHashMap<>());
            lines = parsed.get(agentId);
        }
        return lines;
    }
}
