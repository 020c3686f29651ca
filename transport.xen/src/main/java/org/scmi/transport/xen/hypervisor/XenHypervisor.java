package org.scmi.transport.xen.hypervisor;

import java.io.IOException;
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

    /** Creates an IOREQ server for a guest, maps its ioreq page and enables it. */
    IoreqServer createIoreqServer(int domid) throws XenException;

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

    @Override
    void close();
}
