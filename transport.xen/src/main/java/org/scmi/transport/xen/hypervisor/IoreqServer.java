package org.scmi.transport.xen.hypervisor;

import java.lang.foreign.MemorySegment;
import org.osgi.annotation.versioning.ProviderType;
import org.scmi.transport.xen.abi.IoreqSlot;

/**
 * An enabled IOREQ server for one guest: Xen forwards the guest's accesses to the MMIO ranges
 * mapped to it into the per-vCPU slots of its shared page. Closing unmaps the ranges, disables
 * and destroys the server and unmaps the page.
 */
@ProviderType
public interface IoreqServer extends AutoCloseable {

    int id();

    int domid();

    int vcpuCount();

    /** The shared synchronous ioreq page (one {@code struct ioreq} per vCPU). */
    MemorySegment page();

    default IoreqSlot slot(int vcpu) {
        return IoreqSlot.of(page(), vcpu);
    }

    /** Forwards accesses to {@code [start, endInclusive]} to this server. */
    void mapMmio(long start, long endInclusive) throws XenException;

    void unmapMmio(long start, long endInclusive) throws XenException;

    @Override
    void close();
}
