package org.scmi.transport.vhostuser;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.VirtioDeviceBackend;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.VirtioFeatures;

/**
 * A virtio device for transport tests: every command chain on queue 0 is answered with its own
 * request bytes; queue 1 holds event buffers until a test sends an event. It serves real rings
 * through the ring engine, so a transport that gets addresses, memory or notifications wrong fails.
 */
final class EchoDevice implements VirtioDeviceBackend {
    static final int QUEUE_COUNT = 2;
    static final int MAX_QUEUE_SIZE = 1024;
    static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX)
            | VirtioFeatures.bit(0);

    private final List<EchoSession> sessions = new CopyOnWriteArrayList<>();

    @Override
    public int deviceId() {
        return 32;
    }

    @Override
    public long features() {
        return FEATURES;
    }

    @Override
    public int queueCount() {
        return QUEUE_COUNT;
    }

    @Override
    public int maxQueueSize() {
        return MAX_QUEUE_SIZE;
    }

    @Override
    public VirtioDeviceSession open(GuestIdentity guest, GuestTransport transport) {
        EchoSession session = new EchoSession(guest, transport);
        sessions.add(session);
        return session;
    }

    /** Every session opened so far, oldest first. */
    List<EchoSession> sessions() {
        return sessions;
    }

    EchoSession lastSession() {
        return sessions.getLast();
    }
}
