package org.scmi.transport.xen.sim;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.scmi.linux.Errno;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.EventChannels;
import org.scmi.transport.xen.hypervisor.InterruptTrigger;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.PageMapping;
import org.scmi.transport.xen.hypervisor.QueueKick;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.transport.xen.xenstore.XenStoreClient;
import org.scmi.transport.xen.xenstore.XsWire;

/**
 * An in-process Xen for tests and for trying the Xen path without Xen: guest domains with memfd
 * RAM and grant tables, event channels, IOREQ servers whose slots follow the real
 * READY → INPROCESS → IORESP_READY protocol (with the INVALIDATE Xen sends first), edge-triggered
 * SPIs, and a XenStore server on a Unix socket. The backend using it is one domain
 * ({@link #backendDomid()}); foreign mapping is allowed only if that is the privileged domain 0.
 * The backend's kernel has privcmd's eventfd fast paths (irqfd, ioeventfd) only if asked for
 * ({@link SimKernelFastPaths}); by default they are absent, as on stock kernels.
 */
public class SimHypervisor implements XenHypervisor {
    private static final int PRIVILEGED_DOMID = 0;
    private static final int ESRCH = 3;

    private final int backendDomid;
    private final SimXenStore xenStore;
    private final EventChannelHub hub = new EventChannelHub();
    private final Map<Integer, SimDomain> domains = new ConcurrentHashMap<>();
    private final AtomicInteger nextServerId = new AtomicInteger();
    private final AtomicLong setIrqLevelRaises = new AtomicLong();
    private final Optional<SimKernelFastPaths> fastPaths;

    /**
     * @param xenStoreSocket where the simulated XenStore listens
     * @param backendDomid the domain the backend runs in (0 = dom0)
     */
    public SimHypervisor(Path xenStoreSocket, int backendDomid) throws IOException {
        this(xenStoreSocket, backendDomid, false);
    }

    /**
     * @param kernelFastPaths whether the backend's kernel has privcmd's irqfd and ioeventfd
     */
    public SimHypervisor(Path xenStoreSocket, int backendDomid, boolean kernelFastPaths) throws IOException {
        this.backendDomid = backendDomid;
        this.fastPaths = kernelFastPaths ? Optional.of(new SimKernelFastPaths(hub, backendDomid)) : Optional.empty();
        this.xenStore = new SimXenStore(xenStoreSocket);
    }

    /** Guest interrupts the backend raised through irqfds (0 without the fast paths). */
    public long interruptsRaisedByIrqfd() {
        return fastPaths.map(SimKernelFastPaths::interruptsRaised).orElse(0L);
    }

    /** Guest interrupts the backend raised with the set_irq_level hypercall. */
    public long interruptsRaisedBySetIrqLevel() {
        return setIrqLevelRaises.get();
    }

    /** Queue notifications the backend's kernel completed through ioeventfds (0 without the fast paths). */
    public long notificationsCompletedByIoeventfd() {
        return fastPaths.map(SimKernelFastPaths::notificationsCompleted).orElse(0L);
    }

    public int backendDomid() {
        return backendDomid;
    }

    public SimXenStore xenStoreServer() {
        return xenStore;
    }

    EventChannelHub hub() {
        return hub;
    }

    // ------------------------------------------------------------ toolstack side

    /** Creates a guest domain (paused: nothing runs until its frontend does). */
    public SimDomain createDomain(int domid, int vcpus, long ramBytes) throws LinuxException {
        if (domid == backendDomid || domid <= PRIVILEGED_DOMID || domid >= XenAbi.DOMID_SELF) {
            throw new IllegalArgumentException("domid " + domid + " cannot be a simulated guest");
        }
        SimDomain domain = new SimDomain(this, domid, vcpus, ramBytes);
        if (domains.putIfAbsent(domid, domain) != null) {
            throw new IllegalStateException("domain " + domid + " exists");
        }
        return domain;
    }

    /** The domain dies: its vCPUs stop, its servers and event channels go. */
    public void destroyDomain(int domid) {
        SimDomain domain = domains.remove(domid);
        if (domain != null) {
            domain.destroy();
            hub.closeDomain(domid);
            xenStore.fireSpecial(XsWire.RELEASE_DOMAIN);
        }
    }

    public Optional<SimDomain> domain(int domid) {
        return Optional.ofNullable(domains.get(domid));
    }

    void signal(int domid, int port) {
        hub.send(domid, port);
    }

    boolean rangeClaimed(SimDomain domain, long start, long endInclusive) {
        return domain.servers().stream().anyMatch(s -> s.overlaps(start, endInclusive));
    }

    private SimDomain live(int domid, String what) throws XenException {
        SimDomain domain = domains.get(domid);
        if (domain == null) {
            throw new XenException(what + ": no domain " + domid, ESRCH);
        }
        return domain;
    }

    // ------------------------------------------------------------ the port

    @Override
    public String description() {
        return "simulated hypervisor (XenStore at " + xenStore.socketPath() + ")";
    }

    @Override
    public int vcpuCount(int domid) throws XenException {
        return live(domid, "nr_vcpus").vcpuCount();
    }

    @Override
    public IoreqServer createIoreqServer(int domid) throws XenException {
        SimDomain domain = live(domid, "create ioreq server");
        SimIoreqServer server = domain.addServer(nextServerId.getAndIncrement() & 0xFFFF);
        server.enable();
        return server;
    }

    @Override
    public void setIrqLevel(int domid, int irq, boolean high) throws XenException {
        live(domid, "set_irq_level").setIrqLevel(irq, high);
        if (high) {
            setIrqLevelRaises.incrementAndGet();
        }
    }

    @Override
    public EventChannels openEventChannels() {
        return new SimEventChannels(hub, backendDomid);
    }

    @Override
    public PageMapping mapForeignFrames(int domid, long firstFrame, int count, boolean writable) throws XenException {
        if (backendDomid != PRIVILEGED_DOMID) {
            throw new XenException("foreign mapping needs the privileged domain", Errno.EPERM);
        }
        SimDomain domain = live(domid, "foreign map");
        long offset = domain.ramOffset(firstFrame, count);
        try {
            MemorySegment mapping = Linux.mmap(domain.ramFd(), (long) count * XenAbi.XEN_PAGE_SIZE, offset, writable);
            return new SimMapping(writable ? mapping : mapping.asReadOnly(), mapping, () -> { });
        } catch (LinuxException e) {
            throw new XenException("foreign map", e);
        }
    }

    @Override
    public PageMapping mapGrants(int domid, long firstRef, int count, boolean writable) throws XenException {
        SimDomain domain = live(domid, "grant map");
        long[] frames = domain.grants().map(backendDomid, firstRef, count, writable);
        if (frames == null) {
            throw new XenException(String.format("grant map: references %d+%d of domain %d are not granted to %d%s",
                    firstRef, count, domid, backendDomid, writable ? " writable" : ""), Errno.EINVAL);
        }
        Runnable release = () -> domain.grants().unmap(firstRef, count);
        long size = (long) count * XenAbi.XEN_PAGE_SIZE;
        MemorySegment mapping = FixedMappings.reserve(size);
        try {
            for (int i = 0; i < count; i++) {
                FixedMappings.mapAt(mapping.asSlice((long) i * XenAbi.XEN_PAGE_SIZE), domain.ramFd(),
                        domain.ramOffset(frames[i], 1), XenAbi.XEN_PAGE_SIZE, writable);
            }
        } catch (XenException | RuntimeException e) {
            release.run();
            SimMapping.unmap(mapping);
            throw e;
        }
        return new SimMapping(writable ? mapping : mapping.asReadOnly(), mapping, release);
    }

    @Override
    public Optional<InterruptTrigger> interruptTrigger(int domid, int irq) throws XenException {
        if (fastPaths.isEmpty()) {
            return Optional.empty();
        }
        SimDomain guest = live(domid, "irqfd");
        if (irq < XenAbi.GIC_FIRST_SPI) {
            throw new XenException("irqfd: " + irq + " is not an SPI", Errno.EINVAL);
        }
        return Optional.of(fastPaths.get().irqfd(guest, irq));
    }

    @Override
    public Optional<QueueKick> queueKick(IoreqServer server, int[] localPorts, long notifyAddress, int queue)
            throws XenException {
        if (fastPaths.isEmpty()) {
            return Optional.empty();
        }
        if (localPorts.length != server.vcpuCount()) {
            throw new XenException("ioeventfd: " + localPorts.length + " ports for " + server.vcpuCount()
                    + " vCPUs", Errno.EINVAL);
        }
        return Optional.of(fastPaths.get().ioeventfd(server, localPorts, notifyAddress, queue));
    }

    @Override
    public XenStore openXenStore() throws IOException {
        return XenStoreClient.connectSocket(xenStore.socketPath());
    }

    @Override
    public void close() {
        for (Integer domid : domains.keySet()) {
            destroyDomain(domid);
        }
        xenStore.close();
    }

    /** A mapping of guest pages into this process; closing unmaps it and drops the grant map counts. */
    private static final class SimMapping implements PageMapping {
        private final MemorySegment view;
        private final MemorySegment mapping;
        private final Runnable release;
        private boolean closed;

        SimMapping(MemorySegment view, MemorySegment mapping, Runnable release) {
            this.view = view;
            this.mapping = mapping;
            this.release = release;
        }

        @Override
        public MemorySegment segment() {
            return view;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                unmap(mapping);
                release.run();
            }
        }

        static void unmap(MemorySegment mapping) {
            try {
                Linux.munmap(mapping);
            } catch (LinuxException e) {
                throw new IllegalStateException("unmapping guest pages", e);
            }
        }
    }
}
