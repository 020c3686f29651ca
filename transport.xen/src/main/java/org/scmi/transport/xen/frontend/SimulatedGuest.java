package org.scmi.transport.xen.frontend;

import java.util.UUID;
import java.util.function.UnaryOperator;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.sim.SimDomain;
import org.scmi.transport.xen.xenstore.XenStoreException;
import org.scmi.virtio.device.VirtioDeviceIds;

/**
 * A simulated guest with a virtio-scmi device on virtio-mmio, as a Linux guest on Xen Arm would
 * drive it: created paused, unpaused once the backend announced InitWait, then probed,
 * negotiated and set up through the registers, with buffers addressed by grants or by guest
 * physical addresses. Its command queue carries one request at a time; eventq buffers are
 * posted when the device offers the platform-to-agent channel.
 */
public final class SimulatedGuest implements AutoCloseable {
    /** virtio-scmi: cmdq 0, eventq 1, VIRTIO_SCMI_F_P2A_CHANNELS bit 0. */
    public static final int CMDQ = 0;
    public static final int EVENTQ = 1;
    public static final int F_P2A_CHANNELS = 0;
    /** Linux's message buffers: 128 bytes of payload plus header and status. */
    public static final int MESSAGE_BYTES = 136;
    private static final long RAM_BYTES = 8L << 20;
    private static final int VCPUS = 2;
    private static final int QUEUE_SIZE = 16;
    private static final int EVENT_BUFFERS = 4;

    private final SimToolstack toolstack;
    private final SimDomain domain;
    private final VirtioMmioDriver driver;
    private int queues;

    private SimulatedGuest(SimToolstack toolstack, SimDomain domain, boolean grants, UnaryOperator<DmaMapper> dmaLayer) {
        this.toolstack = toolstack;
        this.domain = domain;
        GuestRam ram = new GuestRam(domain.ram(), domain.ramBase());
        DmaMapper dma = dmaLayer.apply(grants ? new GrantDma(domain, toolstack.hypervisor().backendDomid())
                : new PhysicalDma());
        this.driver = new VirtioMmioDriver(domain, SimToolstack.deviceBase(0), SimToolstack.deviceIrq(0), ram, dma);
    }

    /**
     * Creates the guest paused, waits for the backend to be ready, then boots its driver.
     *
     * @param timeoutMillis how long to wait for the backend
     * @throws IllegalStateException if the backend did not reach InitWait in time
     */
    public static SimulatedGuest boot(SimToolstack toolstack, int domid, boolean grants, long timeoutMillis)
            throws XenStoreException, LinuxException, InterruptedException {
        return boot(toolstack, domid, "sim-guest-" + domid, UUID.randomUUID().toString(), grants, timeoutMillis);
    }

    /** Creates the guest named {@code name} with VM UUID {@code uuid} paused, waits for the backend, boots its driver. */
    public static SimulatedGuest boot(SimToolstack toolstack, int domid, String name, String uuid, boolean grants,
            long timeoutMillis) throws XenStoreException, LinuxException, InterruptedException {
        SimulatedGuest guest = new SimulatedGuest(toolstack,
                toolstack.create(domid, name, uuid, VCPUS, RAM_BYTES, grants), grants, UnaryOperator.identity());
        if (!toolstack.awaitBackendState(domid, XenAbi.XENBUS_STATE_INIT_WAIT, timeoutMillis)) {
            throw new IllegalStateException("backend of guest " + domid + " did not reach InitWait");
        }
        guest.initialise();
        return guest;
    }

    /** Creates the guest paused (its driver has not touched the device). */
    public static SimulatedGuest create(SimToolstack toolstack, int domid, boolean grants)
            throws XenStoreException, LinuxException {
        return create(toolstack, domid, grants, UnaryOperator.identity());
    }

    /**
     * Creates the guest paused, with its DMA mapping passed through {@code dmaLayer} (a test can
     * make the guest hand the device addresses that are not what its kernel would give).
     */
    public static SimulatedGuest create(SimToolstack toolstack, int domid, boolean grants,
            UnaryOperator<DmaMapper> dmaLayer) throws XenStoreException, LinuxException {
        SimDomain domain = toolstack.create(domid, "sim-guest-" + domid, VCPUS, RAM_BYTES, grants);
        return new SimulatedGuest(toolstack, domain, grants, dmaLayer);
    }

    /** Probes the device and sets up its queues; returns how many queues it got. */
    public int initialise() {
        queues = driver.initialise(VirtioDeviceIds.SCMI, 1L << F_P2A_CHANNELS, 2, QUEUE_SIZE, 2 * MESSAGE_BYTES);
        boolean events = queues > EVENTQ && (driver.features() & (1L << F_P2A_CHANNELS)) != 0;
        if (events) {
            for (int i = 0; i < EVENT_BUFFERS; i++) {
                driver.queue(EVENTQ).add(new byte[0], MESSAGE_BYTES);
            }
            driver.publish(EVENTQ);
        }
        return queues;
    }

    public SimDomain domain() {
        return domain;
    }

    public int domid() {
        return domain.domid();
    }

    public VirtioMmioDriver driver() {
        return driver;
    }

    /**
     * Sends one message on the command queue and waits for the device to return it.
     *
     * @return the bytes the device wrote (as many as it reported), or null on timeout
     */
    public byte[] exchange(byte[] request, int responseCapacity, long timeoutMillis) throws InterruptedException {
        driver.queue(CMDQ).add(request, responseCapacity);
        driver.publish(CMDQ);
        DriverQueue.Used used = driver.awaitUsed(CMDQ, timeoutMillis);
        return used == null ? null : used.written();
    }

    /** Waits for a notification or delayed response on the event queue and re-posts its buffer. */
    public byte[] awaitEvent(long timeoutMillis) throws InterruptedException {
        DriverQueue.Used used = driver.awaitUsed(EVENTQ, timeoutMillis);
        if (used == null) {
            return null;
        }
        driver.queue(EVENTQ).add(new byte[0], MESSAGE_BYTES);
        driver.publish(EVENTQ);
        return used.written();
    }

    /** The toolstack destroys the guest (backend asked to close first). */
    @Override
    public void close() throws XenStoreException, InterruptedException {
        toolstack.destroy(domain.domid());
    }
}
