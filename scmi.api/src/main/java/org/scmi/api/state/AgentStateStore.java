package org.scmi.api.state;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Per-agent, per-protocol key/value state kept by the platform for as long as the server runs,
 * whatever happens to the bundles that write it. Values are plain strings so that nothing of an
 * updated bundle's classes is held across its update. Keys are chosen by the protocol, e.g.
 * {@code notify/rate/<clock key>} or {@code rate/<clock key>}; resource keys (stable across
 * restarts), not resource ids, make entries follow their resource. Thread-safe.
 */
@ProviderType
public interface AgentStateStore {

    /** The value, or null. */
    String get(int agentId, int protocolId, String key);

    /** Sets a value; a null value removes the key. */
    void put(int agentId, int protocolId, String key, String value);

    /** Every entry of an agent and protocol whose key starts with {@code prefix}, in key order. */
    Map<String, String> entries(int agentId, int protocolId, String prefix);

    /** Removes everything an agent set through a protocol (BASE_RESET_AGENT_CONFIGURATION). */
    void clear(int agentId, int protocolId);
}
