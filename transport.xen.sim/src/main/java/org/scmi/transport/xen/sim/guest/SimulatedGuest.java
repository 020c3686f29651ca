package org.scmi.transport.xen.sim.guest;

import java.util.List;
import java.util.function.UnaryOperator;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.sim.SimDomain;
import org.scmi.transport.xen.xenstore.XenStoreException;
import org.scmi.virtio.device.VirtioDeviceIds;
import org.scmi.virtio.ring.driver.DmaMapping;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * A simulated guest with a virtio-scmi device on virtio-mmio, as a Linux guest on Xen Arm would
 * drive it: created paused, unpaused once the backend announced InitWait, then probed,
 * negotiated and set up through the registers, with buffers addressed by grants or by guest
 * physical addresses. Its driver runs on vCPU {@value #DRIVER_VCPU}; the guest's other vCPUs are
 * free for a test's own register accesses ({@link SimDomain#mmioRead}). Its command queue carries
 * one request at a time; eventq buffers are posted when the device offers the platform-to-agent
 * channel.
 *
 * <p>Not thread-safe: one thread drives a guest's driver.
 */
public final class SimulatedGuest implements AutoCloseable {
    /** virtio-scmi: cmdq 0, eventq 1, VIRTIO_SCMI_F_P2A_CHANNELS bit 0. */
    public static final int CMDQ = 0;
    public static final int EVENTQ = 1;
    public static final int F_P2A_CHANNELS = 0;
    /** Linux's message buffers: 128 bytes of payload plus header and status. */
    public static final int MESSAGE_BYTES = 136;
    /** The vCPU the guest's virtio driver runs on. */
    public static final int DRIVER_VCPU = 0;
    /** vCPUs of a simulated guest. */
    public static final int VCPUS = 2;
    private static final long RAM_BYTES = 8L << 20;
    private static final int QUEUE_SIZE = 16;
    private static final int EVENT_BUFFERS = 4;

    private final SimToolstack toolstack;
    private final SimDomain domain;
    private final VirtioMmioDriver driver;
    private int queues;

    private SimulatedGuest(SimToolstack toolstack, SimDomain domain, boolean grants,
            UnaryOperator<DmaMapping> dmaLayer) {
        this.toolstack = toolstack;
        this.domain = domain;
        DriverMemory memory = new DriverMemory(domain.ram(), domain.ramBase());
        DmaMapping dma = dmaLayer.apply(grants ? new GrantDma(domain, toolstack.hypervisor().backendDomid())
                : DmaMapping.PHYSICAL);
        this.driver = new VirtioMmioDriver(domain, DRIVER_VCPU, SimToolstack.deviceBase(0), SimToolstack.deviceIrq(0),
                memory, dma);
    }

    /**
     * Creates the guest paused, waits for the backend to be ready, then boots its driver.
     *
     * @param timeoutMillis how long to wait for the backend
     * @throws IllegalStateException if the backend did not reach InitWait in time
     */
    public static SimulatedGuest boot(SimToolstack toolstack, int domid, boolean grants, long timeoutMillis)
            throws XenStoreException, LinuxException, InterruptedException {
        SimulatedGuest guest = create(toolstack, domid, grants);
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
    static SimulatedGuest create(SimToolstack toolstack, int domid, boolean grants,
            UnaryOperator<DmaMapping> dmaLayer) throws XenStoreException, LinuxException {
        SimDomain domain = toolstack.create(domid, "sim-guest-" + domid, VCPUS, RAM_BYTES, grants);
        return new SimulatedGuest(toolstack, domain, grants, dmaLayer);
    }

    /**
     * Probes the device and sets up its queues.
     *
     * @return how many queues it got
     * @throws DeviceFailure if the device refused the driver
     */
    public int initialise() {
        queues = driver.initialise(VirtioDeviceIds.SCMI, 1L << F_P2A_CHANNELS, 2, QUEUE_SIZE, 2 * MESSAGE_BYTES);
        boolean events = queues > EVENTQ && (driver.features() & (1L << F_P2A_CHANNELS)) != 0;
        if (events) {
            for (int i = 0; i < EVENT_BUFFERS; i++) {
                driver.queue(EVENTQ).add(List.of(), MESSAGE_BYTES);
            }
            driver.publish(EVENTQ);
        }
        return queues;
    }

    /**
     * Resets the device as Linux does before probing it again: status 0, then every ring and
     * buffer stops being the device's.
     *
     * @return false if the device still held any of them (Linux would mark the device broken)
     */
    public boolean reset() {
        return driver.reset();
    }

    /** The feature bits the driver and the device agreed on. */
    public long features() {
        return driver.features();
    }

    /**
     * What the driver reads back of its device (through register accesses of its vCPU).
     *
     * @param status the device status register
     * @param offeredFeatures the 64 feature bits the device offers
     * @param queuesReady QueueReady of each queue the driver set up
     */
    public record DeviceState(int status, long offeredFeatures, List<Boolean> queuesReady) {
    }

    /** Reads the device's state back, as a driver can. */
    public DeviceState readDeviceState() {
        return driver.readState();
    }

    public SimDomain domain() {
        return domain;
    }

    public int domid() {
        return domain.domid();
    }

    VirtioMmioDriver driver() {
        return driver;
    }

    /**
     * Sends one message on the command queue and waits for the device to return it.
     *
     * @return the bytes the device wrote (as many as it reported), or null on timeout
     * @throws DeviceFailure if the device reported that it needs a reset
     */
    public byte[] exchange(byte[] request, int responseCapacity, long timeoutMillis) throws InterruptedException {
        post(request, responseCapacity);
        return awaitResponse(timeoutMillis);
    }

    /** Posts one message on the command queue and kicks the device; {@link #awaitResponse} takes the answer. */
    public void post(byte[] request, int responseCapacity) {
        driver.queue(CMDQ).add(List.of(request), responseCapacity);
        driver.publish(CMDQ);
    }

    /**
     * Waits for the device to return the message {@link #post}ed.
     *
     * @return the bytes the device wrote, or null on timeout
     * @throws DeviceFailure if the device reported that it needs a reset
     */
    public byte[] awaitResponse(long timeoutMillis) throws InterruptedException {
        UsedBuffer used = driver.awaitUsed(CMDQ, timeoutMillis);
        return used == null ? null : used.written();
    }

    /** Waits for a notification or delayed response on the event queue and re-posts its buffer. */
    public byte[] awaitEvent(long timeoutMillis) throws InterruptedException {
        UsedBuffer used = driver.awaitUsed(EVENTQ, timeoutMillis);
        if (used == null) {
            return null;
        }
        driver.queue(EVENTQ).add(List.of(), MESSAGE_BYTES);
        driver.publish(EVENTQ);
        return used.written();
    }

    /** The toolstack destroys the guest (backend asked to close first). */
    @Override
    public void close() throws XenStoreException, InterruptedException {
        toolstack.destroy(domain.domid());
    }
}
