package org.scmi.virtio.device;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A virtio device type that transports can serve to guests, as an OSGi service with the property
 * {@link #DEVICE_ID}.
 */
@ProviderType
public interface VirtioDevice {

    /** Service property: the virtio device id (Integer), e.g. 32 for SCMI. */
    String DEVICE_ID = "virtio.device.id";

    /** The virtio device id. */
    int deviceId();

    /** Feature bits the device offers, including transport-independent ring features. */
    long features();

    /** Number of virtqueues the device can use. */
    int queueCount();

    /** Largest queue size the device accepts. */
    int maxQueueSize();

    /**
     * Opens the device for one guest.
     *
     * @param guest who the guest is (its agent identity)
     * @param transport how the device reaches the guest
     * @throws GuestRefusedException if the device does not serve this guest
     */
    VirtioDeviceSession open(GuestIdentity guest, GuestTransport transport);
}
