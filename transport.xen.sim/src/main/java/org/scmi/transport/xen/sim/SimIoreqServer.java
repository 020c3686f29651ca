package org.scmi.transport.xen.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.linux.Errno;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.XenException;

/** A simulated IOREQ server: its shared page, its MMIO ranges, and whether each vCPU was invalidated. */
final class SimIoreqServer implements IoreqServer {
    private record Range(long start, long endInclusive) {
        boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, endInclusive) <= 0;
        }
    }

    private final SimHypervisor hypervisor;
    private final SimDomain domain;
    private final int id;
    /** Freed by the garbage collector once neither side holds it (a vCPU may read its last answer late). */
    private final MemorySegment page = Arena.ofAuto().allocate(XenAbi.XEN_PAGE_SIZE, XenAbi.XEN_PAGE_SIZE);
    private final List<Range> ranges = new CopyOnWriteArrayList<>();
    /** Per vCPU: whether the server already got the INVALIDATE Xen sends first. */
    private final boolean[] invalidated;
    private volatile boolean enabled;

    SimIoreqServer(SimHypervisor hypervisor, SimDomain domain, int id) {
        this.hypervisor = hypervisor;
        this.domain = domain;
        this.id = id;
        this.invalidated = new boolean[domain.vcpuCount()];
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int domid() {
        return domain.domid();
    }

    @Override
    public int vcpuCount() {
        return domain.vcpuCount();
    }

    @Override
    public MemorySegment page() {
        return page;
    }

    /** Enabling writes each vCPU's guest-side event channel into its slot, as Xen does. */
    void enable() {
        for (int vcpu = 0; vcpu < domain.vcpuCount(); vcpu++) {
            slot(vcpu).setVpEventPort(domain.allocateVcpuPort(vcpu, hypervisor.backendDomid()));
        }
        enabled = true;
    }

    boolean handles(long address) {
        return enabled && ranges.stream().anyMatch(r -> r.contains(address));
    }

    /** Marks the vCPU invalidated; true the first time (the INVALIDATE is still to be sent). */
    synchronized boolean firstAccess(int vcpu) {
        boolean first = !invalidated[vcpu];
        invalidated[vcpu] = true;
        return first;
    }

    @Override
    public void mapMmio(long start, long endInclusive) throws XenException {
        if (Long.compareUnsigned(endInclusive, start) < 0) {
            throw new XenException("map io range: end before start", Errno.EINVAL);
        }
        for (Range range : ranges) {
            if (range.contains(start) || range.contains(endInclusive)) {
                throw new XenException("map io range: overlaps a mapped range", Errno.EEXIST);
            }
        }
        if (hypervisor.rangeClaimed(domain, start, endInclusive)) {
            throw new XenException("map io range: another server of the guest has it", Errno.EEXIST);
        }
        ranges.add(new Range(start, endInclusive));
    }

    @Override
    public void unmapMmio(long start, long endInclusive) throws XenException {
        if (!ranges.remove(new Range(start, endInclusive))) {
            throw new XenException("unmap io range: not mapped", Errno.ENOENT);
        }
    }

    boolean overlaps(long start, long endInclusive) {
        return ranges.stream().anyMatch(r -> Long.compareUnsigned(r.start(), endInclusive) <= 0
                && Long.compareUnsigned(start, r.endInclusive()) <= 0);
    }

    @Override
    public void close() {
        enabled = false;
        ranges.clear();
        domain.removeServer(this);
    }
}
