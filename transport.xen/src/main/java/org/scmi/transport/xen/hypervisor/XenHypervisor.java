package org.scmi.transport.xen.hypervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.scmi.transport.xen.xenstore.XenStore;

/**
 * What a virtio-mmio backend needs from Xen, and nothing about virtio: device-model operations on
 * a guest (IOREQ server, interrupt level), event channels, grant and foreign mappings, XenStore,
 * and the optional kernel fast paths. Implemented over {@code /dev/xen} and by the simulated
 * hypervisor. Calls are synchronous and thread-safe.
 */
@ProviderType
public interface XenHypervisor extends AutoCloseable {

    /** For logs: which implementation this is. */
    String description();

    /** The guest's vCPU count (its max_vcpus): one ioreq slot and event channel each. */
    int vcpuCount(int domid) throws XenException;

    /**
     * Creates an IOREQ server for a guest, maps its ioreq page and enables it. A guest has at most
     * {@link org.scmi.transport.xen.abi.XenAbi#MAX_NR_IOREQ_SERVERS} (ENOSPC after that), and a
     * server lives until it is destroyed or the guest dies: a device model that lost track of one
     * has leaked it.
     */
    IoreqServer createIoreqServer(int domid) throws XenException;

    /**
     * Takes over an IOREQ server this domain created for a guest before, in this process or in
     * one that stopped or died: checks that it exists and is this domain's, maps its ioreq page
     * (which still holds each vCPU's request) and enables it. Xen has no call that lists a guest's
     * servers: the caller kept the id.
     *
     * @throws XenException ENOENT if the guest has no server with that id, EPERM if another
     *     domain created it, ESRCH if the guest is gone
     */
    IoreqServer openIoreqServer(int domid, int id) throws XenException;

    /** Sets a guest SPI's level (GIC INTID); the virtio-mmio line is edge-triggered: raise only. */
    void setIrqLevel(int domid, int irq, boolean high) throws XenException;

    /** A new event-channel handle. */
    EventChannels openEventChannels() throws XenException;

    /** Maps guest frames by guest frame number (privileged foreign mapping). */
    PageMapping mapForeignFrames(int domid, long firstFrame, int count, boolean writable) throws XenException;

    /** Maps consecutive grant references the guest granted to this domain. */
    PageMapping mapGrants(int domid, long firstRef, int count, boolean writable) throws XenException;

    /** The irqfd fast path for a guest SPI, if the kernel has it. */
    Optional<InterruptTrigger> interruptTrigger(int domid, int irq) throws XenException;

    /**
     * The ioeventfd fast path for one queue's notifications, if the kernel has it.
     *
     * @param localPorts the local event-channel port of each vCPU, bound for {@code server}
     * @param notifyAddress the guest-physical address of the device's QueueNotify register
     */
    Optional<QueueKick> queueKick(IoreqServer server, int[] localPorts, long notifyAddress, int queue)
            throws XenException;

    /** A new connection to XenStore. */
    XenStore openXenStore() throws IOException;

    /**
     * The folder where device models keep, for this hypervisor's guests, what must outlive their
     * process: which IOREQ server each guest has and each device's register file. On a Xen host a
     * run directory (tmpfs: it goes with a reboot, as the guests do); for a simulated hypervisor
     * a folder of its simulation.
     */
    Path stateDirectory();

    @Override
    void close();
}
