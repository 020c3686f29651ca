package org.scmi.transport.xen.privcmd;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.XenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An IOREQ server created through privcmd dm_ops, with its ioreq page mapped by MMAP_RESOURCE. */
final class PrivcmdIoreqServer implements IoreqServer {
    private static final Logger LOG = LoggerFactory.getLogger(PrivcmdIoreqServer.class);

    private record Range(long start, long endInclusive) {
    }

    private final Privcmd privcmd;
    private final int domid;
    private final int id;
    private final int vcpus;
    private final MemorySegment page;
    private final List<Range> ranges = new ArrayList<>();
    private boolean closed;

    private PrivcmdIoreqServer(Privcmd privcmd, int domid, int id, int vcpus, MemorySegment page) {
        this.privcmd = privcmd;
        this.domid = domid;
        this.id = id;
        this.vcpus = vcpus;
        this.page = page;
    }

    /** The sequence of xen-vhost-frontend and virtio-disk: create, map the page, enable. */
    static PrivcmdIoreqServer create(Privcmd privcmd, int domid) throws XenException {
        int vcpus = privcmd.nrVcpus(domid);
        int id = privcmd.createIoreqServer(domid);
        MemorySegment page = null;
        try {
            page = privcmd.mapIoreqPage(domid, id);
            // Enabling makes Xen write each vCPU's event channel into the page.
            privcmd.setIoreqServerState(domid, id, true);
            return new PrivcmdIoreqServer(privcmd, domid, id, vcpus, page);
        } catch (XenException e) {
            if (page != null) {
                Privcmd.unmap(page);
            }
            privcmd.destroyIoreqServer(domid, id);
            throw e;
        }
    }

    /**
     * Takes over a server this domain created before: checked, its page mapped again (the vCPUs'
     * requests are still in it), enabled in case it was left disabled. Its ranges are not known
     * here: they stay mapped in Xen, and closing destroys the server with them.
     */
    static PrivcmdIoreqServer open(Privcmd privcmd, int domid, int id) throws XenException {
        privcmd.checkIoreqServer(domid, id);
        int vcpus = privcmd.nrVcpus(domid);
        MemorySegment page = privcmd.mapIoreqPage(domid, id);
        try {
            privcmd.setIoreqServerState(domid, id, true);
            return new PrivcmdIoreqServer(privcmd, domid, id, vcpus, page);
        } catch (XenException e) {
            Privcmd.unmap(page);
            throw e;
        }
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int domid() {
        return domid;
    }

    @Override
    public int vcpuCount() {
        return vcpus;
    }

    @Override
    public MemorySegment page() {
        return page;
    }

    @Override
    public synchronized void mapMmio(long start, long endInclusive) throws XenException {
        privcmd.ioRange(domid, id, true, start, endInclusive);
        ranges.add(new Range(start, endInclusive));
    }

    @Override
    public synchronized void unmapMmio(long start, long endInclusive) throws XenException {
        ranges.remove(new Range(start, endInclusive));
        privcmd.ioRange(domid, id, false, start, endInclusive);
    }

    @Override
    public synchronized void release() {
        if (!closed) {
            closed = true;
            Privcmd.unmap(page);
        }
    }

    /** Unmap ranges, disable, destroy, unmap the page; a dead guest's server is already gone. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (Range range : List.copyOf(ranges)) {
                unmapMmio(range.start(), range.endInclusive());
            }
            privcmd.setIoreqServerState(domid, id, false);
            privcmd.destroyIoreqServer(domid, id);
        } catch (XenException e) {
            LOG.debug("domain {}: tearing down ioreq server {}: {}", domid, id, e.getMessage());
        }
        Privcmd.unmap(page);
    }
}
