package org.scmi.virtio.device;

/**
 * Virtio device ids (virtio 1.3 section 5), the value of {@link VirtioDevice#DEVICE_ID} that
 * transports select the device they serve by.
 */
public final class VirtioDeviceIds {

    /** SCMI, the Arm System Control and Management Interface (virtio 1.3 section 5.17). */
    public static final int SCMI = 32;

    private VirtioDeviceIds() {
    }
}
