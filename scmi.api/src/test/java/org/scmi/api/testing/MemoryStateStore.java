package org.scmi.api.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.scmi.api.state.AgentStateStore;

/**
 * An {@link AgentStateStore} in a map, for tests in this module (the platform's store lives in a
 * bundle that depends on this one).
 */
public final class MemoryStateStore implements AgentStateStore {
    private record Scope(int agentId, int protocolId) {
    }

    private final Map<Scope, TreeMap<String, String>> values = new HashMap<>();

    @Override
    public synchronized String get(int agentId, int protocolId, String key) {
        return values.getOrDefault(new Scope(agentId, protocolId), new TreeMap<>()).get(key);
    }

    @Override
    public synchronized void put(int agentId, int protocolId, String key, String value) {
        TreeMap<String, String> scope = values.computeIfAbsent(new Scope(agentId, protocolId), s -> new TreeMap<>());
        if (value == null) {
            scope.remove(key);
        } else {
            scope.put(key, value);
        }
    }

    @Override
    public synchronized Map<String, String> entries(int agentId, int protocolId, String prefix) {
        Map<String, String> matching = new TreeMap<>();
        values.getOrDefault(new Scope(agentId, protocolId), new TreeMap<>()).forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                matching.put(key, value);
            }
        });
        return matching;
    }

    @Override
    public synchronized void clear(int agentId, int protocolId) {
        values.remove(new Scope(agentId, protocolId));
    }
}
