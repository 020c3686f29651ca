package org.scmi.transport.xen.mmio;

import org.scmi.virtio.memory.GuestMemory;

/** The guest memory one started queue uses, with its rings held until the queue stops. */
public interface QueueMemory extends GuestMemory, AutoCloseable {

    /** Releases every mapping this queue holds. */
    @Override
    void close();
}
