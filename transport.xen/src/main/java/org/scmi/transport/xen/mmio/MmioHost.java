package org.scmi.transport.xen.mmio;

import org.scmi.virtio.memory.GuestMemoryException;

/** What the register machine needs from its transport: memory for queues, the interrupt line, state reports. */
public interface MmioHost {

    /**
     * Memory for a queue the driver made ready, with its rings mapped.
     *
     * @throws GuestMemoryException if the ring addresses are not the guest's memory
     */
    QueueMemory openQueueMemory(int queue, int size, long descriptorTable, long driverArea, long deviceArea)
            throws GuestMemoryException;

    /**
     * The driver notified a queue: wake the worker that runs the queue's work
     * ({@link VirtioMmioDevice#serveQueue}). Called under the register lock; must return at once.
     */
    void queueNotified(int queue);

    /** Raises the device's interrupt line once (edge). */
    void raiseInterrupt();

    /** The driver reached DRIVER_OK (true) or reset the device (false). */
    void driverStateChanged(boolean driverOk);

    /** The device was reset: release every mapping of guest memory. */
    void releaseMemory();
}
