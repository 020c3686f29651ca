package org.scmi.virtio.device;

import org.scmi.virtio.memory.GuestMemory;

/**
 * A virtqueue as the guest's driver set it up, in guest addresses.
 *
 * @param memory the guest memory the addresses refer to
 * @param size queue size (number of descriptors), a power of two for split rings
 * @param descriptorTable address of the descriptor table (packed rings: the descriptor ring)
 * @param driverArea address of the available ring (packed: driver event suppression)
 * @param deviceArea address of the used ring (packed: device event suppression)
 * @param nextAvailIndex where the device resumes taking buffers (vhost-user SET_VRING_BASE)
 */
public record QueueSetup(GuestMemory memory, int size, long descriptorTable, long driverArea, long deviceArea,
        int nextAvailIndex) {
}
