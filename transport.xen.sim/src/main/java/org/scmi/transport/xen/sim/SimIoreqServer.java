package org.scmi.transport.xen.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.linux.Errno;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.XenException;

/**
 * A simulated IOREQ server as Xen keeps it: owned by the domain that created it (its emulator),
 * not by any process, with its shared page in a memfd (so that a device model in another process
 * maps the same page), its MMIO ranges, one guest event channel per vCPU allocated when it is
 * created and written into the page when it is enabled, and whether each vCPU was invalidated. It
 * lives until it is destroyed ({@link #close}) or its guest dies; {@link #release} is what a
 * device model's process ending does to it: nothing.
 */
final class SimIoreqServer implements IoreqServer {
    private record Range(long start, long endInclusive) {
        boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, endInclusive) <= 0;
        }
    }

    private final SimDomain domain;
    private final int id;
    private final int emulator;
    private final int pageFd;
    /** Unmapped by the garbage collector once nobody holds it (a vCPU may read its last answer late). */
    private final MemorySegment page;
    private final int[] vcpuPorts;
    private final List<Range> ranges = new CopyOnWriteArrayList<>();
    /** Per vCPU: whether the server already got the INVALIDATE Xen sends first. */
    private final boolean[] invalidated;
    private volatile boolean enabled;
    private volatile boolean destroyed;

    SimIoreqServer(SimDomain domain, int id, int emulator) throws XenException {
        this.domain = domain;
        this.id = id;
        this.emulator = emulator;
        try {
            this.pageFd = Linux.memfdCreate("xen-sim-ioreq-dom" + domain.domid() + "-" + id, XenAbi.XEN_PAGE_SIZE);
            this.page = Linux.mmap(pageFd, XenAbi.XEN_PAGE_SIZE, 0, true).reinterpret(Arena.ofAuto(),
                    SimIoreqServer::unmap);
        } catch (LinuxException e) {
            throw new XenException("ioreq page of server " + id, e);
        }
        this.vcpuPorts = new int[domain.vcpuCount()];
        for (int vcpu = 0; vcpu < vcpuPorts.length; vcpu++) {
            vcpuPorts[vcpu] = domain.allocateVcpuPort(vcpu, emulator);
        }
        this.invalidated = new boolean[domain.vcpuCount()];
    }

    private static void unmap(MemorySegment mapping) {
        try {
            Linux.munmap(mapping);
        } catch (LinuxException e) {
            throw new IllegalStateException("unmapping an ioreq page", e);
        }
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int domid() {
        return domain.domid();
    }

    /** The domain allowed to use the server: the one that created it. */
    int emulator() {
        return emulator;
    }

    @Override
    public int vcpuCount() {
        return domain.vcpuCount();
    }

    @Override
    public MemorySegment page() {
        return page;
    }

    /** The memfd holding the page, for a device model in another process to map. */
    int pageFd() {
        return pageFd;
    }

    /** Enabling writes each vCPU's guest-side event channel into its slot, as Xen does. */
    void enable() {
        for (int vcpu = 0; vcpu < vcpuPorts.length; vcpu++) {
            slot(vcpu).setVpEventPort(vcpuPorts[vcpu]);
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

    /** Xen checks overlaps within one server only: another server may claim the same range (the newer wins). */
    @Override
    public void mapMmio(long start, long endInclusive) throws XenException {
        checkLive("map io range");
        if (Long.compareUnsigned(endInclusive, start) < 0) {
            throw new XenException("map io range: end before start", Errno.EINVAL);
        }
        for (Range range : ranges) {
            if (Long.compareUnsigned(range.start(), endInclusive) <= 0
                    && Long.compareUnsigned(start, range.endInclusive()) <= 0) {
                throw new XenException("map io range: overlaps a range of server " + id, Errno.EEXIST);
            }
        }
        ranges.add(new Range(start, endInclusive));
    }

    @Override
    public void unmapMmio(long start, long endInclusive) throws XenException {
        checkLive("unmap io range");
        if (!ranges.remove(new Range(start, endInclusive))) {
            throw new XenException("unmap io range: not mapped", Errno.ENOENT);
        }
    }

    private void checkLive(String what) throws XenException {
        if (destroyed) {
            throw new XenException(what + ": server " + id + " of domain " + domain.domid() + " is gone", Errno.ENOENT);
        }
    }

    /** A device model lets go of the server: it stays, with its ranges and waiting vCPUs. */
    @Override
    public void release() {
    }

    /** Destroys the server: disabled, its ranges and its guest-side event channels gone. */
    @Override
    public void close() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        enabled = false;
        ranges.clear();
        domain.removeServer(this);
        for (int port : vcpuPorts) {
            domain.closePort(port);
        }
        Linux.close(pageFd);
    }
}
