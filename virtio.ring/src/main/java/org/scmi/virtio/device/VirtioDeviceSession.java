package org.scmi.virtio.device;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One guest's instance of a device. A transport calls these methods from its own threads; each
 * implementation documents which calls may run concurrently. {@link #queueNotified} never blocks
 * for long: slow work is the device's to move elsewhere.
 */
@ProviderType
public interface VirtioDeviceSession extends AutoCloseable {

    /**
     * The feature bits the driver accepted (a subset of the backend's). Called before queues start.
     *
     * @throws IllegalArgumentException if the set is not acceptable (e.g. without VERSION_1)
     */
    void setFeatures(long features);

    /** Starts serving a queue the driver set up. A queue started again is first stopped. */
    void startQueue(int queueIndex, QueueSetup setup);

    /**
     * Stops serving a queue and returns the index of the next available entry the device would
     * have taken (vhost-user GET_VRING_BASE). Requests in progress are completed or abandoned
     * without touching guest memory afterwards.
     */
    int stopQueue(int queueIndex);

    /** The guest notified (kicked) a queue. */
    void queueNotified(int queueIndex);

    /** Resets the device: all queues stop, negotiated state is forgotten, the guest stays known. */
    void reset();

    /** The guest left (it disconnected, or is gone for good): release everything. */
    @Override
    void close();

    /**
     * The transport stops serving the guest, which has not left: the server is stopping, or hands
     * the guest to the next server process. Ends the session as {@link #close} does, but the guest
     * stays what it was: nothing it set up on the device is released.
     *
     * @since 2.2
     */
    default void detach() {
        close();
    }
}
