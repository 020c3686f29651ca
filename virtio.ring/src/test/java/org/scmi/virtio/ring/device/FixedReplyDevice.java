package org.scmi.virtio.ring.device;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.VirtqueueFactory;

/**
 * A virtio-scmi device (id 32, a command and an event queue) that does no SCMI work: each session
 * drains its command queue with the split-ring engine and answers every chain with what its
 * {@link Responder} writes. It serves real rings, so a transport that gets addresses, memory or
 * notifications wrong fails, and it measures the transport and ring engine without the SCMI layer.
 */
public class FixedReplyDevice implements VirtioDevice {
    public static final int VIRTIO_ID_SCMI = 32;
    public static final int VIRTIO_SCMI_F_P2A_CHANNELS = 0;
    public static final int QUEUE_COUNT = 2;
    /** What the server's SCMI device offers. */
    public static final long SCMI_FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX)
            | VirtioFeatures.bit(VIRTIO_SCMI_F_P2A_CHANNELS);

    private final long features;
    private final int maxQueueSize;
    private final Supplier<Responder> responders;
    private final VirtqueueFactory engine;
    private final List<FixedReplySession> sessions = new CopyOnWriteArrayList<>();

    /**
     * @param responders makes each session's responder (a responder may keep per-session buffers)
     * @param engine opens the sessions' queues
     */
    public FixedReplyDevice(long features, int maxQueueSize, Supplier<Responder> responders, VirtqueueFactory engine) {
        this.features = features;
        this.maxQueueSize = maxQueueSize;
        this.responders = responders;
        this.engine = engine;
    }

    @Override
    public int deviceId() {
        return VIRTIO_ID_SCMI;
    }

    @Override
    public long features() {
        return features;
    }

    @Override
    public int queueCount() {
        return QUEUE_COUNT;
    }

    @Override
    public int maxQueueSize() {
        return maxQueueSize;
    }

    @Override
    public VirtioDeviceSession open(GuestIdentity guest, GuestTransport transport) {
        FixedReplySession session = new FixedReplySession(guest, transport, features, responders.get(), engine);
        sessions.add(session);
        return session;
    }

    /** Every session opened so far, oldest first. */
    public List<FixedReplySession> sessions() {
        return sessions;
    }

    public FixedReplySession lastSession() {
        return sessions.getLast();
    }
}
