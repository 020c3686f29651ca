package org.scmi.sensor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.scmi.api.state.AgentStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every agent's sensor settings, kept in the platform's {@link AgentStateStore} under
 * {@value #CONFIG}{@code <sensor uid>} (not by sensor id, so settings follow a sensor if the list
 * changes), so that they outlive an update of this bundle. Guests never see each other's settings.
 */
final class SettingsStore {
    /** Store key prefix of an agent's settings of one sensor. */
    static final String CONFIG = "config/";
    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);

    private final AgentStateStore store;
    private final Supplier<List<Integer>> agents;
    /** Serialises read-modify-write of one agent's settings of one sensor. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param agents ids of the agents that may hold settings (the configured agents)
     */
    SettingsStore(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.store = store;
        this.agents = agents;
    }

    SensorSettings get(int agentId, Sensor sensor) {
        SensorSettings settings = stored(agentId, sensor.uid());
        return settings != null ? settings : SensorSettings.defaults(sensor.info());
    }

    /** Atomically changes one agent's settings of one sensor and returns the result. */
    SensorSettings update(int agentId, Sensor sensor, UnaryOperator<SensorSettings> change) {
        synchronized (locks.computeIfAbsent(agentId + "/" + sensor.uid(), key -> new Object())) {
            SensorSettings changed = change.apply(get(agentId, sensor));
            store.put(agentId, SensorMessages.PROTOCOL_ID, CONFIG + sensor.uid(), changed.stored());
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
    }

    private SensorSettings stored(int agentId, String uid) {
        String line = store.get(agentId, SensorMessages.PROTOCOL_ID, CONFIG + uid);
        if (line == null) {
            return null;
        }
        try {
            return SensorSettings.fromStored(line);
        } catch (RuntimeException e) {
            LOG.error("agent {}: unreadable settings of sensor {} ('{}'); using the defaults: {}", agentId, uid, line,
                    e.getMessage());
            return null;
        }
    }
}
