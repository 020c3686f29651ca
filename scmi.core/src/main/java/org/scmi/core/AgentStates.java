package org.scmi.core;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.osgi.service.component.annotations.Component;
import org.scmi.api.state.AgentStateStore;

/**
 * The platform's store of what agents set up, kept in this long-lived bundle so that it outlives
 * every protocol and driver bundle that writes it (see {@code org.scmi.api.state}). In memory: it
 * lasts as long as the server runs, like the hardware state it describes. Entries of one agent and
 * protocol are a sorted map, so prefix queries are range views.
 */
@Component(service = AgentStateStore.class)
public final class AgentStates implements AgentStateStore {
    /** Agent ids are 8 bits (0 is the platform), and so are protocol ids. */
    private static final int ID_LIMIT = 0x100;
    /** Sorts after every character a key can hold: closes a prefix range. */
    private static final char AFTER_ALL = Character.MAX_VALUE;

    /**
     * Per agent id, per protocol id, that pair's entries; an agent's row is made when it first
     * stores something. Arrays, not a map keyed by boxed numbers: protocols read this on requests.
     */
    private final AtomicReferenceArray<AtomicReferenceArray<ConcurrentSkipListMap<String, String>>> entries =
            new AtomicReferenceArray<>(ID_LIMIT);

    @Override
    public String get(int agentId, int protocolId, String key) {
        NavigableMap<String, String> owned = owned(agentId, protocolId);
        return owned == null ? null : owned.get(checkKey(key));
    }

    /** The entries of an agent and protocol, or null if it never stored any (or they were cleared). */
    private ConcurrentSkipListMap<String, String> owned(int agentId, int protocolId) {
        checkIds(agentId, protocolId);
        AtomicReferenceArray<ConcurrentSkipListMap<String, String>> agent = entries.get(agentId);
        return agent == null ? null : agent.get(protocolId);
    }

    private ConcurrentSkipListMap<String, String> ownedOrNew(int agentId, int protocolId) {
        checkIds(agentId, protocolId);
        AtomicReferenceArray<ConcurrentSkipListMap<String, String>> agent = entries.get(agentId);
        if (agent == null) {
            entries.compareAndSet(agentId, null, new AtomicReferenceArray<>(ID_LIMIT));
            agent = entries.get(agentId);
        }
        ConcurrentSkipListMap<String, String> owned = agent.get(protocolId);
        if (owned == null) {
            agent.compareAndSet(protocolId, null, new ConcurrentSkipListMap<>());
            owned = agent.get(protocolId);
        }
        return owned;
    }

    @Override
    public void put(int agentId, int protocolId, String key, String value) {
        checkKey(key);
        if (value == null) {
            NavigableMap<String, String> owned = owned(agentId, protocolId);
            if (owned != null) {
                owned.remove(key);
            }
            return;
        }
        ownedOrNew(agentId, protocolId).put(key, value);
    }

    @Override
    public Map<String, String> entries(int agentId, int protocolId, String prefix) {
        NavigableMap<String, String> owned = owned(agentId, protocolId);
        if (owned == null) {
            return Map.of();
        }
        return new TreeMap<>(owned.subMap(checkKey(prefix), true, prefix + AFTER_ALL, false));
    }

    @Override
    public void clear(int agentId, int protocolId) {
        checkIds(agentId, protocolId);
        AtomicReferenceArray<ConcurrentSkipListMap<String, String>> agent = entries.get(agentId);
        if (agent != null) {
            agent.set(protocolId, null);
        }
    }

    private static void checkIds(int agentId, int protocolId) {
        if (agentId < 0 || agentId >= ID_LIMIT || protocolId < 0 || protocolId >= ID_LIMIT) {
            throw new IllegalArgumentException("agent " + agentId + " / protocol " + protocolId
                    + ": both must be 0..255");
        }
    }

    private static String checkKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("null key");
        }
        return key;
    }
}
