package org.scmi.system;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.scmi.api.state.AgentStateStore;

/**
 * What happened to the system's power state, for the administrator: agents' requests with the
 * platform's decision, and the platform's requests to agents with who was told. Kept in the
 * platform's {@link AgentStateStore} under the platform (agent 0), keys {@value #PREFIX} followed by
 * a sequence number, so an update of this bundle keeps the record; the latest {@value #KEPT} entries
 * are kept. Thread-safe.
 */
final class SystemPowerLog {
    static final String PREFIX = "log/";
    static final int KEPT = 32;
    private static final int PLATFORM = 0;

    private final AgentStateStore store;
    private final Clock clock;

    SystemPowerLog(AgentStateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Adds an entry, stamped with the time, and forgets the oldest beyond {@value #KEPT}. */
    synchronized void add(String entry) {
        Map<String, String> entries = store.entries(PLATFORM, SystemMessages.SYSTEM_PROTOCOL_ID, PREFIX);
        long next = entries.keySet().stream().mapToLong(key -> Long.parseLong(key.substring(PREFIX.length())))
                .max().orElse(0) + 1;
        store.put(PLATFORM, SystemMessages.SYSTEM_PROTOCOL_ID, key(next),
                Instant.now(clock).truncatedTo(ChronoUnit.MILLIS) + " " + entry);
        store.put(PLATFORM, SystemMessages.SYSTEM_PROTOCOL_ID, key(next - KEPT), null);
    }

    /** Every entry kept, oldest first. */
    List<String> entries() {
        return List.copyOf(store.entries(PLATFORM, SystemMessages.SYSTEM_PROTOCOL_ID, PREFIX).values());
    }

    private static String key(long sequence) {
        return PREFIX + String.format("%012d", sequence);
    }
}
