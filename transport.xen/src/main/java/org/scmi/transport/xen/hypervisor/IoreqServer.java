package org.scmi.transport.xen.hypervisor;

import java.lang.foreign.MemorySegment;
import org.osgi.annotation.versioning.ProviderType;
import org.scmi.transport.xen.abi.IoreqSlot;

/**
 * An enabled IOREQ server for one guest: Xen forwards the guest's accesses to the MMIO ranges
 * mapped to it into the per-vCPU slots of its shared page. The server belongs to the domain that
 * created it, not to the process: it lives until it is destroyed or the guest dies, whatever
 * happens to the process using it. Closing unmaps the ranges, disables and destroys the server
 * and unmaps the page; {@link #release} only lets go of it.
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

    /**
     * Stops using the server without destroying it: only this process's mapping of the page
     * goes. The server stays enabled with its ranges, and a guest vCPU waiting in it keeps
     * waiting, for the next device model of this domain ({@link XenHypervisor#openIoreqServer}).
     */
    void release();

    /** Destroys the server: its ranges go back to Xen (later accesses fault in the guest). */
    @Override
    void close();
}
