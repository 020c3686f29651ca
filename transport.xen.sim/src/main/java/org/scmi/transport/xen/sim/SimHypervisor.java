package org.scmi.transport.xen.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.scmi.linux.Errno;
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
 * A Xen for tests and for trying the Xen path without Xen: guest domains with memfd RAM and grant
 * tables, event channels, IOREQ servers whose slots follow the real READY → INPROCESS →
 * IORESP_READY protocol (with the INVALIDATE Xen sends first), edge-triggered SPIs, and a XenStore
 * server on a Unix socket. The backend using it is one domain ({@link #backendDomid()}); foreign
 * mapping is allowed only if that is the privileged domain 0. The backend's kernel has privcmd's
 * eventfd fast paths (irqfd, ioeventfd) only if asked for ({@link SimKernelFastPaths}); by
 * default they are absent, as on stock kernels.
 *
 * <p>What belongs to whom is Xen's: an IOREQ server belongs to the backend domain that created it
 * and lives until destroyed or until its guest dies; guests are the hypervisor's. A backend in
 * this process uses the simulation directly as its {@link XenHypervisor}; a backend in another
 * process reaches it through a {@link SimDeviceServer}, the simulated {@code /dev/xen} devices,
 * and whatever that process held goes when it dies, as the kernel would release it: its event
 * channels go back to unbound, its grant mappings and irqfds go, its IOREQ servers and kernel
 * ioeventfds stay.
 */
public class SimHypervisor implements XenHypervisor {
    /**
     * The end of the name of the simulation's run directory for device models, which is beside its
     * XenStore socket and named after it: two simulations in one folder are two hosts, each with
     * the records of the server serving it.
     */
    public static final String STATE_FOLDER_SUFFIX = "-device-model-state";
    private static final int PRIVILEGED_DOMID = 0;
    /** How long a vCPU waits for an answer before the simulation calls it hung, unless told otherwise. */
    private static final Duration DEFAULT_VCPU_PATIENCE = Duration.ofSeconds(10);

    private final int backendDomid;
    private final SimXenStore xenStore;
    private final Path stateDirectory;
    private final EventChannelHub hub = new EventChannelHub();
    private final Map<Integer, SimDomain> domains = new ConcurrentHashMap<>();
    private final AtomicLong setIrqLevelRaises = new AtomicLong();
    private final Optional<SimKernelFastPaths> fastPaths;
    private volatile Duration vcpuPatience = DEFAULT_VCPU_PATIENCE;

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
        this.stateDirectory = xenStoreSocket.toAbsolutePath()
                .resolveSibling(xenStoreSocket.getFileName() + STATE_FOLDER_SUFFIX);
        this.xenStore = new SimXenStore(xenStoreSocket);
    }

    /**
     * How long a vCPU waits for the answer to an MMIO access before the simulation reports it
     * hung (real Xen waits forever): long enough for a test to restart the device model.
     */
    public void setVcpuPatience(Duration patience) {
        vcpuPatience = patience;
    }

    Duration vcpuPatience() {
        return vcpuPatience;
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

    SimDomain live(int domid, String what) throws XenException {
        SimDomain domain = domains.get(domid);
        if (domain == null) {
            throw new XenException(what + ": no domain " + domid, Errno.ESRCH);
        }
        return domain;
    }

    SimKernelFastPaths fastPaths() throws XenException {
        return fastPaths.orElseThrow(() -> new XenException("the backend kernel has no privcmd eventfd paths",
                Errno.EOPNOTSUPP));
    }

    boolean hasFastPaths() {
        return fastPaths.isPresent();
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
        SimIoreqServer server = live(domid, "create ioreq server").addServer(backendDomid);
        server.enable();
        return server;
    }

    @Override
    public IoreqServer openIoreqServer(int domid, int id) throws XenException {
        SimIoreqServer server = live(domid, "get ioreq server info").server(id)
                .orElseThrow(() -> new XenException("ioreq server " + id + " of domain " + domid, Errno.ENOENT));
        if (server.emulator() != backendDomid) {
            throw new XenException("ioreq server " + id + " of domain " + domid + " belongs to domain "
                    + server.emulator(), Errno.EPERM);
        }
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
        long offset = foreignOffset(domid, firstFrame, count);
        return SimMapping.ofFile(live(domid, "foreign map").ramFd(), offset, count, writable, () -> { });
    }

    /** Checks a foreign mapping is allowed; returns the offset of the frames in the guest's RAM memfd. */
    long foreignOffset(int domid, long firstFrame, int count) throws XenException {
        if (backendDomid != PRIVILEGED_DOMID) {
            throw new XenException("foreign mapping needs the privileged domain", Errno.EPERM);
        }
        return live(domid, "foreign map").ramOffset(firstFrame, count);
    }

    @Override
    public PageMapping mapGrants(int domid, long firstRef, int count, boolean writable) throws XenException {
        SimDomain domain = live(domid, "grant map");
        long[] offsets = takeGrants(domid, firstRef, count, writable);
        return SimMapping.ofFrames(domain.ramFd(), offsets, writable, () -> domain.grants().unmap(firstRef, count));
    }

    /**
     * Takes one mapping of each granted reference for the backend domain; returns the offsets of
     * their frames in the guest's RAM memfd. The caller gives them back with {@link #releaseGrants}.
     */
    long[] takeGrants(int domid, long firstRef, int count, boolean writable) throws XenException {
        SimDomain domain = live(domid, "grant map");
        long[] frames = domain.grants().map(backendDomid, firstRef, count, writable);
        if (frames == null) {
            throw new XenException(String.format("grant map: references %d+%d of domain %d are not granted to %d%s",
                    firstRef, count, domid, backendDomid, writable ? " writable" : ""), Errno.EINVAL);
        }
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = domain.ramOffset(frames[i], 1);
        }
        return offsets;
    }

    /** Gives back grant mappings taken with {@link #takeGrants} (a dead guest keeps none). */
    void releaseGrants(int domid, long firstRef, int count) {
        SimDomain domain = domains.get(domid);
        if (domain != null) {
            domain.grants().unmap(firstRef, count);
        }
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
        return Optional.of(fastPaths.get().irqfd(guest, irq, SimKernelFastPaths.eventfd("irqfd")));
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
        return Optional.of(fastPaths.get().ioeventfd(server, localPorts, notifyAddress, queue,
                SimKernelFastPaths.eventfd("ioeventfd")));
    }

    @Override
    public XenStore openXenStore() throws IOException {
        return XenStoreClient.connectSocket(xenStore.socketPath());
    }

    @Override
    public Path stateDirectory() {
        return stateDirectory;
    }

    @Override
    public void close() {
        for (Integer domid : domains.keySet()) {
            destroyDomain(domid);
        }
        xenStore.close();
    }
}
