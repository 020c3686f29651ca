package org.scmi.virtio.ring;

import org.osgi.annotation.versioning.ProviderType;
import org.scmi.virtio.device.QueueSetup;

/**
 * The virtqueue engine, as an OSGi service: opens the device side of the queues a driver set up.
 * Devices get their queues from this service rather than from a class, so that the engine (the
 * code that parses what guests write into their rings) can be replaced while guests are connected:
 * a device moves each running queue to a new engine between two chains, with
 * {@link Virtqueue#position()} and {@link #open(QueueSetup, long, RingPosition)}.
 */
@ProviderType
public interface VirtqueueFactory {

    /**
     * Opens a queue at a position: where the driver set it up ({@link RingPosition#startingAt}),
     * or where another engine left it.
     *
     * @param setup the queue's guest memory, addresses, size and starting index
     * @param features the negotiated feature bits (ring features decide indirect descriptors, event
     *     index and notify-on-empty)
     * @throws VirtqueueException if the size is not valid for the ring format or a ring part is
     *     misaligned or not entirely in the guest's memory
     */
    Virtqueue open(QueueSetup setup, long features, RingPosition position) throws VirtqueueException;

    /** Opens a queue where the driver set it up: at {@link QueueSetup#nextAvailIndex()}. */
    default Virtqueue open(QueueSetup setup, long features) throws VirtqueueException {
        return open(setup, features, RingPosition.startingAt(setup.nextAvailIndex()));
    }

    /** Names this engine for administrators and logs: its ring format and the code it comes from. */
    String description();
}
