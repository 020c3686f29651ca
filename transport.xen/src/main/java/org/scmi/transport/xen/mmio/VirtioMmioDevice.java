package org.scmi.transport.xen.mmio;

import static org.scmi.transport.xen.abi.VirtioMmio.*;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.memory.GuestMemoryException;
import org.scmi.virtio.ring.SplitRing;
import org.scmi.virtio.ring.VirtioFeatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of one virtio-mmio version 2 device: the register file and its state machine
 * (feature negotiation, queue set-up, notifications, interrupt status, reset and
 * DEVICE_NEEDS_RESET), driving a {@link VirtioDeviceSession}. Transport-agnostic: register
 * accesses come in as {@link #read}/{@link #write}, memory and interrupts go through
 * {@link MmioHost}.
 *
 * <p>Threads: register accesses and {@link #close} are serialised by this object's lock (the
 * register lock; on Xen they come from the guest's ioreq thread). A QueueNotify write only hands
 * the queue to the transport ({@link MmioHost#queueNotified}) and returns: the queue's work runs on
 * the transport's worker through {@link #serveQueue}, which takes no lock of this object, so a
 * command that waits for a slow driver never holds a register access of any vCPU. Starting,
 * stopping and resetting the session happen under the register lock and wait for a command in
 * progress (the session must not touch a stopped ring): only a driver that resets the device or
 * stops a queue while a command runs waits for it. The session's callbacks ({@link #notifyGuest},
 * {@link #deviceNeedsReset}) may come from any thread and never take the register lock.
 *
 * <p>The register file lives in {@link MmioRegisters}, which may be the device's state record: a
 * file that outlives this process. Every change the driver makes is there before its access is
 * answered, and the device never changes it on its own except for InterruptStatus and
 * DEVICE_NEEDS_RESET. A server process that takes the device over builds a new instance on the
 * same record and {@linkplain #resume() resumes} it: features, queues and status as the driver
 * left them, each queue where the guest's used ring says the device stopped. Closing never
 * touches the record. An access the old process was answering when it died is executed again by
 * the new one; every register write is idempotent, so the outcome is that of one execution.
 *
 * <p>A register access allocates nothing.
 *
 * <p>Every driver mistake (wrong access width, a write to a read-only register, a queue set up
 * outside the rules, a feature set the device refuses) is logged against the guest and ignored;
 * it never affects another device.
 */
public final class VirtioMmioDevice implements GuestTransport {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioMmioDevice.class);
    private static final long LOW_WORD = 0xFFFF_FFFFL;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final VirtioDevice backend;
    private final MmioHost host;
    private final GuestErrorLog errors;
    private final MmioRegisters registers;
    /** Whether the register file was left by a previous server process. */
    private final boolean takenOver;
    private final VirtioDeviceSession session;
    private volatile boolean closed;
    /** Per queue: the guest memory of a started queue, with its rings held; null while stopped. */
    private final QueueMemory[] queueMemory;

    /**
     * @param registers the register file: fresh from reset for a new device, or the record a
     *     previous server process left (then {@link #resume} serves it again)
     */
    public VirtioMmioDevice(VirtioDevice backend, GuestIdentity guest, MmioHost host, MmioRegisters registers) {
        if (registers.queueCount() != backend.queueCount()) {
            throw new IllegalArgumentException("a register file of " + registers.queueCount() + " queues for a device of "
                    + backend.queueCount());
        }
        this.backend = backend;
        this.host = host;
        this.errors = new GuestErrorLog(LOG, guest.key());
        this.registers = registers;
        this.takenOver = !registers.isNew();
        if (!takenOver) {
            // Kept for the life of the device, resets included: what the driver was offered stays offered.
            registers.setOfferedFeatures(backend.features() | VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                    | VirtioFeatures.bit(F_ACCESS_PLATFORM));
        }
        this.queueMemory = new QueueMemory[backend.queueCount()];
        this.session = backend.open(guest, this);
    }

    /**
     * Serves what the register file says the driver set up, for a device taken over from a server
     * process that stopped or died: the host hears whether the driver is at DRIVER_OK, the
     * negotiated features go to the session, every ready queue is mapped again and started where
     * the guest's used ring says the device stopped (the device answers in order, so whatever the
     * driver made available after that was not answered) and notified once, and the guest is
     * interrupted once in case the process died owing it an interrupt. A queue whose rings are no longer the guest's
     * memory puts the device into DEVICE_NEEDS_RESET. Nothing happens for a new device.
     */
    public synchronized void resume() {
        if (!takenOver) {
            return;
        }
        int status = registers.status();
        host.driverStateChanged((status & STATUS_DRIVER_OK) != 0);
        if ((status & STATUS_FEATURES_OK) == 0 || registers.needsReset()) {
            return; // nothing negotiated yet, or stopped until the driver resets the device
        }
        try {
            session.setFeatures(registers.driverFeatures() & ~VirtioFeatures.bit(F_ACCESS_PLATFORM));
        } catch (IllegalArgumentException e) {
            deviceNeedsReset("the features it negotiated are refused now: " + e.getMessage());
            return;
        }
        boolean started = false;
        for (int queue = 0; queue < queueMemory.length; queue++) {
            if (registers.queueReady(queue) && resumeQueue(queue)) {
                started = true;
                // The previous process may have answered the driver's QueueNotify without serving
                // the queue: a notification of our own finds whatever waits in it.
                host.queueNotified(queue);
            }
        }
        if (started) {
            registers.raiseInterruptBits(INTERRUPT_USED_BUFFER);
            host.raiseInterrupt();
        }
    }

    private boolean resumeQueue(int queue) {
        long deviceArea = registers.queueDeviceArea(queue);
        try {
            queueMemory[queue] = host.openQueueMemory(queue, registers.queueNum(queue),
                    registers.queueDescriptorTable(queue), registers.queueDriverArea(queue), deviceArea);
            int usedIndex = queueMemory[queue].segment(deviceArea + SplitRing.USED_IDX, Short.BYTES, false)
                    .get(U16, 0) & 0xFFFF;
            session.startQueue(queue, setup(queue, usedIndex));
            return true;
        } catch (GuestMemoryException | RuntimeException e) {
            closeMemory(queue);
            registers.setQueueReady(queue, false);
            deviceNeedsReset("queue " + queue + " cannot be served again: " + e.getMessage());
            return false;
        }
    }

    private QueueSetup setup(int queue, int nextAvailIndex) {
        return new QueueSetup(queueMemory[queue], registers.queueNum(queue), registers.queueDescriptorTable(queue),
                registers.queueDriverArea(queue), registers.queueDeviceArea(queue), nextAvailIndex);
    }

    /** Errors this guest made on this device so far. */
    public long guestErrors() {
        return errors.count();
    }

    // ------------------------------------------------------------ register accesses

    /** A driver read of {@code size} bytes at {@code offset} in the register region. */
    public synchronized long read(int offset, int size) {
        if (closed) {
            return 0;
        }
        if (offset >= CONFIG) {
            return 0; // virtio-scmi has no device configuration space
        }
        if (size != REGISTER_SIZE) {
            errors.error("{}-byte read of register 0x{}", size, Integer.toHexString(offset));
            return 0;
        }
        int queue = selectedQueue();
        return Integer.toUnsignedLong(switch (offset) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION -> MODERN_VERSION;
            case DEVICE_ID -> backend.deviceId();
            case VENDOR_ID -> VENDOR;
            case DEVICE_FEATURES -> deviceFeatures();
            case QUEUE_NUM_MAX -> queue < 0 ? 0 : backend.maxQueueSize();
            case QUEUE_READY -> queue >= 0 && registers.queueReady(queue) ? 1 : 0;
            case INTERRUPT_STATUS -> registers.interruptStatus();
            case STATUS -> registers.status() | (registers.needsReset() ? STATUS_DEVICE_NEEDS_RESET : 0);
            case SHM_LEN_LOW, SHM_LEN_HIGH, SHM_BASE_LOW, SHM_BASE_HIGH -> -1; // no shared memory regions
            case CONFIG_GENERATION -> registers.configGeneration();
            default -> {
                errors.error("read of write-only or unknown register 0x{}", Integer.toHexString(offset));
                yield 0;
            }
        });
    }

    /** A driver write of {@code size} bytes at {@code offset} in the register region. */
    public synchronized void write(int offset, int size, long value) {
        if (closed) {
            return;
        }
        if (offset >= CONFIG) {
            errors.error("write to configuration space at 0x{} (the device has none)", Integer.toHexString(offset));
            return;
        }
        if (size != REGISTER_SIZE) {
            errors.error("{}-byte write of register 0x{}", size, Integer.toHexString(offset));
            return;
        }
        int word = (int) value;
        switch (offset) {
            case DEVICE_FEATURES_SEL -> registers.setDeviceFeaturesSel(word);
            case DRIVER_FEATURES_SEL -> registers.setDriverFeaturesSel(word);
            case DRIVER_FEATURES -> writeDriverFeatures(word);
            case QUEUE_SEL -> registers.setQueueSel(word);
            case QUEUE_NUM -> {
                int queue = idleQueue("QueueNum");
                if (queue >= 0) {
                    registers.setQueueNum(queue, word);
                }
            }
            case QUEUE_DESC_LOW, QUEUE_DESC_HIGH, QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH, QUEUE_DEVICE_LOW,
                    QUEUE_DEVICE_HIGH -> writeQueueAddress(offset, word);
            case QUEUE_READY -> writeQueueReady(word);
            case QUEUE_NOTIFY -> queueNotify(word & 0xFFFF);
            case INTERRUPT_ACK -> registers.acknowledgeInterruptBits(word);
            case STATUS -> writeStatus(word);
            case SHM_SEL -> { } // no shared memory regions: every selection reads as absent
            default -> errors.error("write of read-only or unknown register 0x{} (value 0x{})",
                    Integer.toHexString(offset), Integer.toHexString(word));
        }
    }

    private static long low(long address, int word) {
        return (address & ~LOW_WORD) | Integer.toUnsignedLong(word);
    }

    private static long high(long address, int word) {
        return (address & LOW_WORD) | ((long) word << 32);
    }

    private int deviceFeatures() {
        int selector = registers.deviceFeaturesSel();
        return selector == 0 || selector == 1 ? (int) (registers.offeredFeatures() >>> (32 * selector)) : 0;
    }

    /** The selected queue, or -1 if QueueSel names none. */
    private int selectedQueue() {
        int selected = registers.queueSel();
        return selected >= 0 && selected < queueMemory.length ? selected : -1;
    }

    /** The selected queue if the driver may program it now; else logs why not and returns -1. */
    private int idleQueue(String register) {
        int queue = selectedQueue();
        if (queue < 0) {
            errors.error("{} write for queue {}, which does not exist", register, registers.queueSel());
            return -1;
        }
        if (registers.queueReady(queue)) {
            errors.error("{} write while queue {} is ready", register, queue);
            return -1;
        }
        return queue;
    }

    private void writeQueueAddress(int offset, int word) {
        int queue = idleQueue(switch (offset) {
            case QUEUE_DESC_LOW -> "QueueDescLow";
            case QUEUE_DESC_HIGH -> "QueueDescHigh";
            case QUEUE_DRIVER_LOW -> "QueueDriverLow";
            case QUEUE_DRIVER_HIGH -> "QueueDriverHigh";
            case QUEUE_DEVICE_LOW -> "QueueDeviceLow";
            default -> "QueueDeviceHigh";
        });
        if (queue < 0) {
            return;
        }
        switch (offset) {
            case QUEUE_DESC_LOW -> registers.setQueueDescriptorTable(queue, low(registers.queueDescriptorTable(queue), word));
            case QUEUE_DESC_HIGH -> registers.setQueueDescriptorTable(queue, high(registers.queueDescriptorTable(queue), word));
            case QUEUE_DRIVER_LOW -> registers.setQueueDriverArea(queue, low(registers.queueDriverArea(queue), word));
            case QUEUE_DRIVER_HIGH -> registers.setQueueDriverArea(queue, high(registers.queueDriverArea(queue), word));
            case QUEUE_DEVICE_LOW -> registers.setQueueDeviceArea(queue, low(registers.queueDeviceArea(queue), word));
            default -> registers.setQueueDeviceArea(queue, high(registers.queueDeviceArea(queue), word));
        }
    }

    private void writeDriverFeatures(int word) {
        int selector = registers.driverFeaturesSel();
        if ((registers.status() & STATUS_FEATURES_OK) != 0) {
            errors.error("DriverFeatures written after FEATURES_OK");
        } else if (selector == 0 || selector == 1) {
            int shift = 32 * selector;
            registers.setDriverFeatures((registers.driverFeatures() & ~(LOW_WORD << shift))
                    | (Integer.toUnsignedLong(word) << shift));
        } else if (word != 0) {
            errors.error("DriverFeatures word {} set (0x{}) beyond the device's 64 feature bits", selector,
                    Integer.toHexString(word));
        }
    }

    private void writeStatus(int value) {
        if (value == 0) {
            reset();
            return;
        }
        int status = registers.status();
        int wanted = value & ~STATUS_DEVICE_NEEDS_RESET;
        if ((wanted & status) != status) {
            errors.error("status 0x{} clears bits of 0x{} without a reset", Integer.toHexString(value),
                    Integer.toHexString(status));
            return;
        }
        int added = wanted & ~status;
        if ((added & STATUS_FEATURES_OK) != 0 && !acceptFeatures()) {
            wanted &= ~STATUS_FEATURES_OK; // the driver reads FEATURES_OK back and sees the refusal
        }
        if ((added & STATUS_DRIVER_OK) != 0 && (wanted & STATUS_FEATURES_OK) == 0) {
            errors.error("DRIVER_OK without FEATURES_OK");
            wanted &= ~STATUS_DRIVER_OK;
        }
        if ((added & STATUS_FAILED) != 0) {
            errors.error("driver gave up on the device (FAILED)");
        }
        registers.setStatus(wanted);
        if ((added & wanted & STATUS_DRIVER_OK) != 0) {
            host.driverStateChanged(true);
        }
    }

    private boolean acceptFeatures() {
        long driverFeatures = registers.driverFeatures();
        long unknown = driverFeatures & ~registers.offeredFeatures();
        if (unknown != 0) {
            errors.error("driver accepted features 0x{} the device does not offer", Long.toHexString(unknown));
            return false;
        }
        if (!VirtioFeatures.has(driverFeatures, VirtioFeatures.VERSION_1)) {
            errors.error("driver did not accept VERSION_1 (legacy drivers are not served)");
            return false;
        }
        try {
            session.setFeatures(driverFeatures & ~VirtioFeatures.bit(F_ACCESS_PLATFORM));
            return true;
        } catch (IllegalArgumentException e) {
            errors.error("device refused features 0x{}: {}", Long.toHexString(driverFeatures), e.getMessage());
            return false;
        }
    }

    private void writeQueueReady(int word) {
        int queue = selectedQueue();
        if (queue < 0) {
            errors.error("QueueReady write for queue {}, which does not exist", registers.queueSel());
            return;
        }
        if (word == 0) {
            stopQueue(queue);
            return;
        }
        if (registers.queueReady(queue)) {
            return;
        }
        if ((registers.status() & STATUS_FEATURES_OK) == 0) {
            errors.error("queue {} made ready before FEATURES_OK", queue);
            return;
        }
        if (registers.needsReset()) {
            errors.error("queue {} made ready while the device needs a reset", queue);
            return;
        }
        int size = registers.queueNum(queue);
        if (!SplitRing.isValidQueueSize(size) || size > backend.maxQueueSize()) {
            errors.error("queue {} size {} is not a power of two up to {}", queue, size, backend.maxQueueSize());
            return;
        }
        // In the record before the queue runs: a process killed in between leaves a ready queue
        // that the next one starts, and the driver's write, answered by that one, changes nothing.
        registers.setQueueReady(queue, true);
        try {
            queueMemory[queue] = host.openQueueMemory(queue, size, registers.queueDescriptorTable(queue),
                    registers.queueDriverArea(queue), registers.queueDeviceArea(queue));
            session.startQueue(queue, setup(queue, 0));
        } catch (GuestMemoryException | RuntimeException e) {
            registers.setQueueReady(queue, false);
            errors.error("queue {} not started: {}", queue, e.getMessage());
            closeMemory(queue);
        }
    }

    private void stopQueue(int queue) {
        if (registers.queueReady(queue)) {
            registers.setQueueReady(queue, false);
            session.stopQueue(queue);
        }
        closeMemory(queue);
    }

    private void closeMemory(int queue) {
        if (queueMemory[queue] != null) {
            queueMemory[queue].close();
            queueMemory[queue] = null;
        }
    }

    private void queueNotify(int index) {
        if (index >= queueMemory.length || !registers.queueReady(index)) {
            errors.error("notification for queue {}, which is not ready", index);
            return;
        }
        if (registers.needsReset()) {
            return; // the device stopped serving this driver until it resets
        }
        host.queueNotified(index);
    }

    /**
     * The queue's work after a notification, on the transport's worker: takes no register lock.
     * A queue stopped or reset meanwhile is skipped (the session ignores a stopped queue anyway).
     */
    public void serveQueue(int index) {
        if (!closed && !registers.needsReset() && index < queueMemory.length && registers.queueReady(index)) {
            session.queueNotified(index);
        }
    }

    /** Status 0: everything the driver negotiated or set up is forgotten and no mapping stays. */
    private void reset() {
        boolean wasDriverOk = (registers.status() & STATUS_DRIVER_OK) != 0;
        registers.reset();
        session.reset();
        for (int queue = 0; queue < queueMemory.length; queue++) {
            closeMemory(queue);
        }
        host.releaseMemory();
        if (wasDriverOk) {
            host.driverStateChanged(false);
        }
    }

    /** The register file, for administration: what the driver set up. */
    public MmioRegisters registers() {
        return registers;
    }

    // ------------------------------------------------------------ GuestTransport (from the session)

    @Override
    public void notifyGuest(int queueIndex) {
        registers.raiseInterruptBits(INTERRUPT_USED_BUFFER);
        host.raiseInterrupt();
    }

    @Override
    public void deviceNeedsReset(String reason) {
        errors.error("device needs reset: {}", reason);
        registers.setNeedsReset(true);
        registers.raiseInterruptBits(INTERRUPT_CONFIG_CHANGE);
        host.raiseInterrupt();
    }

    /**
     * Stops serving: the session closes and every mapping is released. The register file is left
     * as it is, for a server process that takes the device over (or for its owner to delete).
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } finally {
            for (int queue = 0; queue < queueMemory.length; queue++) {
                closeMemory(queue);
            }
            host.releaseMemory();
        }
    }
}
