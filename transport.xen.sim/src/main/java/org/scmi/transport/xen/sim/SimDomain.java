package org.scmi.transport.xen.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.scmi.linux.Errno;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.IoreqSlot;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.XenException;

/**
 * A simulated guest domain as the hypervisor keeps it: RAM in a memfd at guest-physical
 * {@link XenAbi#GUEST_RAM0_BASE}, its grant table, its vCPUs (each blocked while one of its MMIO
 * accesses is with a device model), its IOREQ servers (at most eight, ids handed out lowest
 * first, each living until destroyed or until the domain dies) and its interrupt lines. The
 * guest-side methods ({@link #ram()}, {@link #grant}, {@link #mmioRead}, {@link #awaitInterrupt},
 * ...) are what a frontend running "inside" the guest uses.
 *
 * <p>An access goes to the enabled server with the highest id whose ranges cover it (Xen favours
 * the most recently created), and its vCPU then waits for the answer however long the device
 * model takes, restarts included: the simulation only calls a vCPU hung after the hypervisor's
 * {@linkplain SimHypervisor#setVcpuPatience patience} (real Xen waits forever).
 */
public final class SimDomain {
    /** Largest SPI a simulated vGIC has (GIC INTIDs 32..1019). */
    private static final int LAST_SPI = 1019;

    private final SimHypervisor hypervisor;
    private final int domid;
    private final int vcpus;
    private final int ramFd;
    /** The guest's view of its RAM; closing the arena (domain death) makes late accesses fail, not crash. */
    private final Arena ramArena = Arena.ofShared();
    private final MemorySegment ram;
    private final GrantTable grants = new GrantTable();
    /** Indexed by server id; null where none. Guarded by this. */
    private final SimIoreqServer[] servers = new SimIoreqServer[XenAbi.MAX_NR_IOREQ_SERVERS];
    private final Semaphore[] doorbells;
    /** Per vCPU: whether it waits for a device model's answer right now. */
    private final boolean[] waiting;
    private final Object[] vcpuLocks;
    private final Map<Integer, Integer> vcpuOfPort = new HashMap<>();
    private final Map<Integer, Semaphore> interrupts = new HashMap<>();
    private volatile boolean dead;

    SimDomain(SimHypervisor hypervisor, int domid, int vcpus, long ramBytes) throws LinuxException {
        this.hypervisor = hypervisor;
        this.domid = domid;
        this.vcpus = vcpus;
        this.ramFd = Linux.memfdCreate("xen-sim-dom" + domid, ramBytes);
        this.ram = Linux.mmap(ramFd, ramBytes, 0, true).reinterpret(ramArena, SimDomain::unmap);
        this.doorbells = new Semaphore[vcpus];
        this.waiting = new boolean[vcpus];
        this.vcpuLocks = new Object[vcpus];
        for (int i = 0; i < vcpus; i++) {
            doorbells[i] = new Semaphore(0);
            vcpuLocks[i] = new Object();
        }
    }

    public int domid() {
        return domid;
    }

    public int vcpuCount() {
        return vcpus;
    }

    // ------------------------------------------------------------ guest side

    /** The guest's RAM as the guest sees it, starting at {@link #ramBase()}. */
    public MemorySegment ram() {
        return ram;
    }

    public long ramBase() {
        return XenAbi.GUEST_RAM0_BASE;
    }

    private long firstFrame() {
        return ramBase() >>> XenAbi.XEN_PAGE_SHIFT;
    }

    private long frameCount() {
        return ram.byteSize() / XenAbi.XEN_PAGE_SIZE;
    }

    /**
     * Grants the pages holding {@code [address, address + length)} to {@code grantee} under
     * consecutive references; returns the first one.
     */
    public int grant(int grantee, long address, long length, boolean readOnly) {
        long first = address >>> XenAbi.XEN_PAGE_SHIFT;
        long last = (address + Math.max(length, 1) - 1) >>> XenAbi.XEN_PAGE_SHIFT;
        long[] frames = new long[(int) (last - first + 1)];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = first + i;
            if (frames[i] < firstFrame() || frames[i] >= firstFrame() + frameCount()) {
                throw new IllegalArgumentException(String.format("0x%x is not this guest's RAM", address));
            }
        }
        return grants.grant(grantee, frames, readOnly);
    }

    /** Ends access to {@code count} references; false if the grantee still maps any of them. */
    public boolean endGrant(int firstRef, int count) {
        boolean all = true;
        for (int i = 0; i < count; i++) {
            all &= grants.endAccess(firstRef + i);
        }
        return all;
    }

    /** References of this guest some other domain maps right now. */
    public int mappedGrantReferences() {
        return grants.mappedReferences();
    }

    /** An MMIO read by {@code vcpu}: trapped, forwarded to the IOREQ server owning the address. */
    public long mmioRead(int vcpu, long address, int size) {
        return access(vcpu, address, size, true, 0);
    }

    public void mmioWrite(int vcpu, long address, int size, long value) {
        access(vcpu, address, size, false, value);
    }

    private long access(int vcpu, long address, int size, boolean read, long value) {
        if (dead) {
            throw new SimGuestFault("domain " + domid + " is dead");
        }
        SimIoreqServer server = select(address);
        if (server == null) {
            throw new SimGuestFault(String.format("domain %d vCPU %d: data abort at 0x%x (no device model handles it)",
                    domid, vcpu, address));
        }
        long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
        synchronized (vcpuLocks[vcpu]) {
            if (server.firstAccess(vcpu)) {
                roundTrip(server, vcpu, XenAbi.IOREQ_TYPE_INVALIDATE, 0, 0, false, 0);
            }
            return roundTrip(server, vcpu, XenAbi.IOREQ_TYPE_COPY, address, size, read, read ? 0 : value & mask) & mask;
        }
    }

    /** What Xen does for one request: post it, signal the server, block until IORESP_READY. */
    private long roundTrip(SimIoreqServer server, int vcpu, int type, long address, int size, boolean read,
            long data) {
        IoreqSlot slot = server.slot(vcpu);
        doorbells[vcpu].drainPermits();
        slot.post(type, address, size, read, data);
        setWaiting(vcpu, true);
        try {
            hypervisor.signal(domid, slot.vpEventPort());
            return awaitAnswer(slot, vcpu, address);
        } finally {
            setWaiting(vcpu, false);
        }
    }

    private synchronized void setWaiting(int vcpu, boolean now) {
        waiting[vcpu] = now;
    }

    /** Whether the vCPU is blocked in an MMIO access, waiting for a device model's answer. */
    public synchronized boolean waitsForDeviceModel(int vcpu) {
        return waiting[vcpu];
    }

    private long awaitAnswer(IoreqSlot slot, int vcpu, long address) {
        long deadline = System.nanoTime() + hypervisor.vcpuPatience().toNanos();
        while (slot.state() != XenAbi.STATE_IORESP_READY) {
            long left = deadline - System.nanoTime();
            boolean rang;
            try {
                rang = doorbells[vcpu].tryAcquire(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SimGuestFault("vCPU " + vcpu + " interrupted");
            }
            if (dead) {
                throw new SimGuestFault("domain " + domid + " died during an MMIO access");
            }
            if (!rang && slot.state() != XenAbi.STATE_IORESP_READY) {
                throw new SimGuestFault(String.format("domain %d vCPU %d hung: ioreq for 0x%x not answered (state %d)",
                        domid, vcpu, address, slot.state()));
            }
        }
        long result = slot.data();
        slot.setState(XenAbi.STATE_IOREQ_NONE);
        return result;
    }

    /**
     * Waits for an edge on a guest interrupt line and consumes it.
     *
     * @return false on timeout
     */
    public boolean awaitInterrupt(int irq, long timeoutMillis) throws InterruptedException {
        return interruptLine(irq).tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------ hypervisor side

    private synchronized Semaphore interruptLine(int irq) {
        return interrupts.computeIfAbsent(irq, i -> new Semaphore(0));
    }

    void setIrqLevel(int irq, boolean high) throws XenException {
        if (irq < XenAbi.GIC_FIRST_SPI || irq > LAST_SPI) {
            throw new XenException("set_irq_level: " + irq + " is not an SPI", Errno.EINVAL);
        }
        if (high) {
            interruptLine(irq).release(); // edge-triggered: each raise is one interrupt
        }
    }

    synchronized int allocateVcpuPort(int vcpu, int backendDomid) {
        int port = hypervisor.hub().allocateUnbound(domid, backendDomid, this::ring);
        vcpuOfPort.put(port, vcpu);
        return port;
    }

    /** Closes one of the domain's ports (a destroyed server's vCPU channel). */
    synchronized void closePort(int port) {
        vcpuOfPort.remove(port);
        hypervisor.hub().close(domid, port);
    }

    /** An event arrived on one of the vCPUs' ioreq ports: wake that vCPU. */
    private void ring(int port) {
        Integer vcpu;
        synchronized (this) {
            vcpu = vcpuOfPort.get(port);
        }
        if (vcpu != null) {
            doorbells[vcpu].release();
        }
    }

    /** The enabled server with the highest id whose ranges cover {@code address}, or null. */
    private synchronized SimIoreqServer select(long address) {
        for (int id = servers.length - 1; id >= 0; id--) {
            if (servers[id] != null && servers[id].handles(address)) {
                return servers[id];
            }
        }
        return null;
    }

    /** Creates a server with the lowest free id for device model domain {@code emulator}. */
    synchronized SimIoreqServer addServer(int emulator) throws XenException {
        for (int id = 0; id < servers.length; id++) {
            if (servers[id] == null) {
                servers[id] = new SimIoreqServer(this, id, emulator);
                return servers[id];
            }
        }
        throw new XenException("create ioreq server: guest " + domid + " has " + servers.length + " already",
                Errno.ENOSPC);
    }

    synchronized void removeServer(SimIoreqServer server) {
        if (servers[server.id()] == server) {
            servers[server.id()] = null;
        }
    }

    /** The server with this id, if the guest has one. */
    synchronized Optional<SimIoreqServer> server(int id) {
        return id >= 0 && id < servers.length ? Optional.ofNullable(servers[id]) : Optional.empty();
    }

    synchronized List<SimIoreqServer> servers() {
        return Arrays.stream(servers).filter(Objects::nonNull).toList();
    }

    /** How many IOREQ servers the guest has: a device model that leaks them makes this grow. */
    public int ioreqServerCount() {
        return servers().size();
    }

    /** Frames of this guest's RAM, checked; returns the memfd offset of the first. */
    long ramOffset(long firstFrame, int count) throws XenException {
        if (firstFrame < firstFrame() || firstFrame + count > firstFrame() + frameCount() || count <= 0) {
            throw new XenException(String.format("frames 0x%x+%d are not guest %d's RAM", firstFrame, count, domid),
                    Errno.EFAULT);
        }
        return (firstFrame - firstFrame()) * XenAbi.XEN_PAGE_SIZE;
    }

    int ramFd() {
        return ramFd;
    }

    GrantTable grants() {
        return grants;
    }

    /** The domain dies: vCPUs stop, its channels close; mappings others hold stay valid. */
    void destroy() {
        dead = true;
        for (SimIoreqServer server : servers()) {
            server.close();
        }
        for (Semaphore doorbell : doorbells) {
            doorbell.release();
        }
        ramArena.close();
        Linux.close(ramFd);
    }

    private static void unmap(MemorySegment mapping) {
        try {
            Linux.munmap(mapping);
        } catch (LinuxException e) {
            throw new IllegalStateException("unmapping a guest's RAM", e);
        }
    }
}
