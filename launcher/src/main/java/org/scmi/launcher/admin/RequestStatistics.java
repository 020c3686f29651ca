package org.scmi.launcher.admin;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.osgi.service.component.annotations.Component;
import org.scmi.api.Agent;
import org.scmi.api.MessageObserver;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;

/**
 * Counts every answered command per protocol id: statuses and latencies. Runs on the request
 * path, so recording takes no lock and allocates only the first time a protocol id is seen.
 */
@Component(service = {MessageObserver.class, RequestStatistics.class})
public final class RequestStatistics implements MessageObserver {
    private static final int PROTOCOL_IDS = ScmiHeader.PROTOCOL_ID_MASK + 1;

    private final AtomicReferenceArray<ProtocolStatistics> protocols = new AtomicReferenceArray<>(PROTOCOL_IDS);

    @Override
    public void answered(Agent agent, int header, ByteBuffer parameters, ScmiStatus status, int replyLength,
            long elapsedNanos) {
        int protocolId = (header >>> ScmiHeader.PROTOCOL_ID_SHIFT) & ScmiHeader.PROTOCOL_ID_MASK;
        ProtocolStatistics statistics = protocols.get(protocolId);
        if (statistics == null) {
            ProtocolStatistics fresh = new ProtocolStatistics();
            ProtocolStatistics raced = protocols.compareAndExchange(protocolId, null, fresh);
            statistics = raced == null ? fresh : raced;
        }
        statistics.record(status, elapsedNanos);
    }

    /** Every protocol id that was asked for, in id order. */
    Map<Integer, ProtocolStatistics.Snapshot> snapshot() {
        Map<Integer, ProtocolStatistics.Snapshot> snapshot = new TreeMap<>();
        for (int id = 0; id < PROTOCOL_IDS; id++) {
            ProtocolStatistics statistics = protocols.get(id);
            if (statistics != null) {
                snapshot.put(id, statistics.snapshot());
            }
        }
        return snapshot;
    }

    /** Starts counting afresh; commands being recorded right now may land in the old counters. */
    void reset() {
        for (int id = 0; id < PROTOCOL_IDS; id++) {
            protocols.set(id, null);
        }
    }
}
