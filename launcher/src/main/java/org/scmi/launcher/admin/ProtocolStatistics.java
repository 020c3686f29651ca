package org.scmi.launcher.admin;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.scmi.api.ScmiStatus;

/** Commands of one protocol answered since start (or the last reset): by status, and their latencies. */
final class ProtocolStatistics {
    private static final ScmiStatus[] STATUSES = ScmiStatus.values();

    /** Indexed by ordinal; requests are the sum. */
    private final AtomicLongArray byStatus = new AtomicLongArray(STATUSES.length);
    private final LatencyHistogram latency = new LatencyHistogram();

    void record(ScmiStatus status, long elapsedNanos) {
        byStatus.incrementAndGet(status.ordinal());
        latency.record(elapsedNanos);
    }

    Snapshot snapshot() {
        Map<ScmiStatus, Long> counts = new EnumMap<>(ScmiStatus.class);
        for (ScmiStatus status : STATUSES) {
            long count = byStatus.get(status.ordinal());
            if (count > 0) {
                counts.put(status, count);
            }
        }
        return new Snapshot(counts, latency.snapshot());
    }

    /**
     * @param byStatus answered commands per status, statuses never answered left out
     * @param latency their latencies
     */
    record Snapshot(Map<ScmiStatus, Long> byStatus, LatencyHistogram.Snapshot latency) {

        long requests() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }

        long errors() {
            return requests() - byStatus.getOrDefault(ScmiStatus.SUCCESS, 0L);
        }
    }
}
