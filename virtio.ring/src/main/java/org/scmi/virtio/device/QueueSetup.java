package org.scmi.virtio.device;

import org.scmi.virtio.memory.GuestMemory;
import org.scmi.virtio.ring.InflightLog;

/**
 * A virtqueue as the guest's driver set it up, in guest addresses.
 *
 * @param memory the guest memory the addresses refer to
 * @param size queue size (number of descriptors), a power of two for split rings
 * @param descriptorTable address of the descriptor table (packed rings: the descriptor ring)
 * @param driverArea address of the available ring (packed: driver event suppression)
 * @param deviceArea address of the used ring (packed: device event suppression)
 * @param nextAvailIndex where the device resumes taking buffers (vhost-user SET_VRING_BASE)
 * @param inflight where the transport records the chains in flight so that a restarted device can
 *     answer them (vhost-user inflight tracking), or null when nothing records them
 */
public record QueueSetup(GuestMemory memory, int size, long descriptorTable, long driverArea, long deviceArea,
        int nextAvailIndex, InflightLog inflight) {

    /** A queue whose chains in flight nothing records. */
    public QueueSetup(GuestMemory memory, int size, long descriptorTable, long driverArea, long deviceArea,
            int nextAvailIndex) {
        this(memory, size, descriptorTable, driverArea, deviceArea, nextAvailIndex, null);
    }
}
