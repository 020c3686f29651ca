package org.scmi.virtio.device;

import org.osgi.annotation.versioning.ConsumerType;

/** What a device session needs from its transport. Implementations must be thread-safe. */
@ConsumerType
public interface GuestTransport {

    /** Interrupts the guest for a queue (used buffers available); suppression is decided by the caller. */
    void notifyGuest(int queueIndex);

    /**
     * The device found the guest's driver broken (malformed ring, memory outside its regions) and
     * stopped serving it until the guest resets the device. The transport reports it the way it
     * can: DEVICE_NEEDS_RESET on virtio-mmio, the error eventfd on vhost-user.
     */
    void deviceNeedsReset(String reason);

    /**
     * The device answered its share of a queue's work in one go and more may be waiting: the
     * transport calls {@link VirtioDeviceSession#queueNotified} for the queue again, on its own
     * thread, after the work of other queues and guests that is already waiting, so that a guest
     * that keeps its queue full does not have the thread to itself. Called from within
     * {@code queueNotified} or {@code startQueue}.
     *
     * @return false if the transport cannot do that: the device then goes on at once
     */
    default boolean resumeLater(int queueIndex) {
        return false;
    }

    /**
     * Ends the guest's connection at the administrator's request, the way the transport can (vhost-user:
     * closes the socket connection, which QEMU sees as a backend disconnect). The session is closed by
     * the transport as for any disconnect.
     *
     * @throws UnsupportedOperationException if the transport cannot disconnect a guest
     */
    default void disconnect() {
        throw new UnsupportedOperationException("this transport cannot disconnect a guest");
    }
}
