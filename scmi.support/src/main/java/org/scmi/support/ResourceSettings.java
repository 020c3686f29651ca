package org.scmi.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.scmi.api.ScmiException;
import org.scmi.api.state.AgentStateStore;

/**
 * What agents set on one protocol's resources, kept in the platform's {@link AgentStateStore} per
 * agent under {@code <setting><setting key>} (the resource's stable key, never its id), with a lock
 * per resource that serialises changes to it. A change holds the lock while the driver changes the
 * hardware, so a slow resource delays only commands for itself. Thread-safe.
 */
public final class ResourceSettings {

    /** A change to one resource made under its lock. */
    @FunctionalInterface
    public interface Change<T> {
        T apply() throws ScmiException;
    }

    private final AgentStateStore store;
    private final int protocolId;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public ResourceSettings(AgentStateStore store, int protocolId) {
        this.store = store;
        this.protocolId = protocolId;
    }

    /** The agent's value of {@code setting} (a key prefix such as {@code level/}) for the resource, or null. */
    public String get(int agentId, String setting, NumberedResources.Listed<?> resource) {
        return store.get(agentId, protocolId, setting + resource.settingKey());
    }

    /** Sets the agent's value; null removes it. */
    public void put(int agentId, String setting, NumberedResources.Listed<?> resource, String value) {
        store.put(agentId, protocolId, setting + resource.settingKey(), value);
    }

    /** Runs {@code change} holding the resource's lock. */
    public <T> T change(NumberedResources.Listed<?> resource, Change<T> change) throws ScmiException {
        synchronized (lock(resource)) {
            return change.apply();
        }
    }

    /** The resource's lock, for changes that cannot fail. */
    public Object lock(NumberedResources.Listed<?> resource) {
        return locks.computeIfAbsent(resource.settingKey(), key -> new Object());
    }
}
