package org.scmi.sensor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * Every agent's sensor settings, keyed by agent id and sensor uid (not by sensor id, so settings
 * follow a sensor if the list changes). Guests never see each other's settings.
 */
final class SettingsStore {
    private final ConcurrentMap<Integer, ConcurrentMap<String, SensorSettings>> agents = new ConcurrentHashMap<>();

    SensorSettings get(int agentId, Sensor sensor) {
        Map<String, SensorSettings> agent = agents.get(agentId);
        SensorSettings settings = agent == null ? null : agent.get(sensor.uid());
        return settings != null ? settings : SensorSettings.defaults(sensor.info());
    }

    /** Atomically changes one agent's settings of one sensor and returns the result. */
    SensorSettings update(int agentId, Sensor sensor, UnaryOperator<SensorSettings> change) {
        return agents.computeIfAbsent(agentId, id -> new ConcurrentHashMap<>())
                .compute(sensor.uid(), (uid, old) -> change.apply(old != null ? old : SensorSettings.defaults(
                        sensor.info())));
    }

    /** Calls {@code action} with each agent id that has settings for the sensor. */
    void forEachAgent(String uid, BiConsumer<Integer, SensorSettings> action) {
        for (Map.Entry<Integer, ConcurrentMap<String, SensorSettings>> agent : agents.entrySet()) {
            SensorSettings settings = agent.getValue().get(uid);
            if (settings != null) {
                action.accept(agent.getKey(), settings);
            }
        }
    }

    void forget(int agentId) {
        agents.remove(agentId);
    }
}
