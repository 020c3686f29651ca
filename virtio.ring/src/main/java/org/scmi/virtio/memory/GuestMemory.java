package org.scmi.virtio.memory;

import java.lang.foreign.MemorySegment;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A guest's memory, addressed the way the guest's descriptors address it (guest-physical
 * addresses, or grant-encoded addresses on Xen). Implemented by transports; used by the rings.
 */
@ConsumerType
public interface GuestMemory {

    /**
     * A segment over {@code [address, address + length)}. The whole range must lie inside one
     * mapping of this guest; otherwise, and for a read-only mapping asked for writing, this
     * throws and nothing is touched. The segment must not be used after the call that needed it
     * returns: mappings can be replaced or released between requests.
     *
     * @param writable whether the device will write to the range
     * @throws GuestMemoryException if the range is not entirely in the guest's memory
     */
    MemorySegment segment(long address, long length, boolean writable) throws GuestMemoryException;
}
