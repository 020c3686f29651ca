package org.scmi.launcher.bench;

import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.VirtioDeviceBackend;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.VirtioFeatures;

/**
 * The benchmark's floor: a virtio device offered as virtio-scmi (id 32, the server's feature bits)
 * that does no SCMI work. Every command chain is answered with a fixed reply filling its writable
 * part: the command's header word, SUCCESS, zeros. It is served by the same vhost-user transport
 * and split-ring engine as the server, so the difference to the server is the SCMI device layer
 * (command decoding, dispatch to the protocol, the handler, the reply), nothing else.
 */
final class ZeroWorkDevice implements VirtioDeviceBackend {
    private static final int VIRTIO_ID_SCMI = 32;
    private static final int VIRTIO_SCMI_F_P2A_CHANNELS = 0;
    static final int QUEUE_COUNT = 2;
    private static final int MAX_QUEUE_SIZE = 1024;
    /** What the SCMI device backend offers. */
    private static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX)
            | VirtioFeatures.bit(VIRTIO_SCMI_F_P2A_CHANNELS);

    @Override
    public int deviceId() {
        return VIRTIO_ID_SCMI;
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
        return new ZeroWorkSession(transport);
    }
}
