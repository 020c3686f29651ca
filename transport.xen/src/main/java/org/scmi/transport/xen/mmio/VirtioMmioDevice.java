package org.scmi.transport.xen.mmio;

import static org.scmi.transport.xen.abi.VirtioMmio.*;

import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>A register access allocates nothing.
 *
 * <p>Every driver mistake (wrong access width, a write to a read-only register, a queue set up
 * outside the rules, a feature set the device refuses) is logged against the guest and ignored;
 * it never affects another device.
 */
public final class VirtioMmioDevice implements GuestTransport {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioMmioDevice.class);
    private static final long LOW_WORD = 0xFFFF_FFFFL;

    private final VirtioDevice backend;
    private final MmioHost host;
    private final GuestErrorLog errors;
    private final long offeredFeatures;
    private final VirtioDeviceSession session;
    private final AtomicInteger interruptStatus = new AtomicInteger();
    private volatile boolean needsReset;
    private volatile boolean closed;

    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private int status;
    private int queueSel;
    private final Queue[] queues;

    /** One queue's registers as the driver programs them. */
    private static final class Queue {
        int size;
        /** Read by the worker without the register lock. */
        volatile boolean ready;
        long descriptorTable;
        long driverArea;
        long deviceArea;
        QueueMemory memory;
    }

    public VirtioMmioDevice(VirtioDevice backend, GuestIdentity guest, MmioHost host) {
        this.backend = backend;
        this.host = host;
        this.errors = new GuestErrorLog(LOG, guest.key());
        this.offeredFeatures = backend.features() | VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                | VirtioFeatures.bit(F_ACCESS_PLATFORM);
        this.queues = new Queue[backend.queueCount()];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new Queue();
        }
        this.session = backend.open(guest, this);
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
        Queue queue = selectedQueue();
        return Integer.toUnsignedLong(switch (offset) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION -> MODERN_VERSION;
            case DEVICE_ID -> backend.deviceId();
            case VENDOR_ID -> VENDOR;
            case DEVICE_FEATURES -> deviceFeaturesSel > 1 ? 0 : (int) (offeredFeatures >>> (32 * deviceFeaturesSel));
            case QUEUE_NUM_MAX -> queue == null ? 0 : backend.maxQueueSize();
            case QUEUE_READY -> queue != null && queue.ready ? 1 : 0;
            case INTERRUPT_STATUS -> interruptStatus.get();
            case STATUS -> status | (needsReset ? STATUS_DEVICE_NEEDS_RESET : 0);
            case SHM_LEN_LOW, SHM_LEN_HIGH, SHM_BASE_LOW, SHM_BASE_HIGH -> -1; // no shared memory regions
            case CONFIG_GENERATION -> 0; // no configuration space that could change
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
            case DEVICE_FEATURES_SEL -> deviceFeaturesSel = word;
            case DRIVER_FEATURES_SEL -> driverFeaturesSel = word;
            case DRIVER_FEATURES -> writeDriverFeatures(word);
            case QUEUE_SEL -> queueSel = word;
            case QUEUE_NUM -> {
                Queue queue = idleQueue("QueueNum");
                if (queue != null) {
                    queue.size = word;
                }
            }
            case QUEUE_DESC_LOW, QUEUE_DESC_HIGH, QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH, QUEUE_DEVICE_LOW,
                    QUEUE_DEVICE_HIGH -> writeQueueAddress(offset, word);
            case QUEUE_READY -> writeQueueReady(word);
            case QUEUE_NOTIFY -> queueNotify(word & 0xFFFF);
            case INTERRUPT_ACK -> interruptStatus.accumulateAndGet(word, (pending, acked) -> pending & ~acked);
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

    private Queue selectedQueue() {
        return queueSel >= 0 && queueSel < queues.length ? queues[queueSel] : null;
    }

    /** The selected queue if the driver may program it now; else logs why not and returns null. */
    private Queue idleQueue(String register) {
        Queue queue = selectedQueue();
        if (queue == null) {
            errors.error("{} write for queue {}, which does not exist", register, queueSel);
            return null;
        }
        if (queue.ready) {
            errors.error("{} write while queue {} is ready", register, queueSel);
            return null;
        }
        return queue;
    }

    private void writeQueueAddress(int offset, int word) {
        Queue queue = idleQueue(switch (offset) {
            case QUEUE_DESC_LOW -> "QueueDescLow";
            case QUEUE_DESC_HIGH -> "QueueDescHigh";
            case QUEUE_DRIVER_LOW -> "QueueDriverLow";
            case QUEUE_DRIVER_HIGH -> "QueueDriverHigh";
            case QUEUE_DEVICE_LOW -> "QueueDeviceLow";
            default -> "QueueDeviceHigh";
        });
        if (queue == null) {
            return;
        }
        switch (offset) {
            case QUEUE_DESC_LOW -> queue.descriptorTable = low(queue.descriptorTable, word);
            case QUEUE_DESC_HIGH -> queue.descriptorTable = high(queue.descriptorTable, word);
            case QUEUE_DRIVER_LOW -> queue.driverArea = low(queue.driverArea, word);
            case QUEUE_DRIVER_HIGH -> queue.driverArea = high(queue.driverArea, word);
            case QUEUE_DEVICE_LOW -> queue.deviceArea = low(queue.deviceArea, word);
            default -> queue.deviceArea = high(queue.deviceArea, word);
        }
    }

    private void writeDriverFeatures(int word) {
        if ((status & STATUS_FEATURES_OK) != 0) {
            errors.error("DriverFeatures written after FEATURES_OK");
        } else if (driverFeaturesSel == 0 || driverFeaturesSel == 1) {
            int shift = 32 * driverFeaturesSel;
            driverFeatures = (driverFeatures & ~(LOW_WORD << shift)) | (Integer.toUnsignedLong(word) << shift);
        } else if (word != 0) {
            errors.error("DriverFeatures word {} set (0x{}) beyond the device's 64 feature bits", driverFeaturesSel,
                    Integer.toHexString(word));
        }
    }

    private void writeStatus(int value) {
        if (value == 0) {
            reset();
            return;
        }
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
        status = wanted;
        if ((added & wanted & STATUS_DRIVER_OK) != 0) {
            host.driverStateChanged(true);
        }
    }

    private boolean acceptFeatures() {
        long unknown = driverFeatures & ~offeredFeatures;
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
        Queue queue = selectedQueue();
        if (queue == null) {
            errors.error("QueueReady write for queue {}, which does not exist", queueSel);
            return;
        }
        if (word == 0) {
            stopQueue(queueSel, queue);
            return;
        }
        if (queue.ready) {
            return;
        }
        if ((status & STATUS_FEATURES_OK) == 0) {
            errors.error("queue {} made ready before FEATURES_OK", queueSel);
            return;
        }
        if (needsReset) {
            errors.error("queue {} made ready while the device needs a reset", queueSel);
            return;
        }
        if (!SplitRing.isValidQueueSize(queue.size) || queue.size > backend.maxQueueSize()) {
            errors.error("queue {} size {} is not a power of two up to {}", queueSel, queue.size,
                    backend.maxQueueSize());
            return;
        }
        try {
            queue.memory = host.openQueueMemory(queueSel, queue.size, queue.descriptorTable, queue.driverArea,
                    queue.deviceArea);
            session.startQueue(queueSel, new QueueSetup(queue.memory, queue.size, queue.descriptorTable,
                    queue.driverArea, queue.deviceArea, 0));
            queue.ready = true;
        } catch (GuestMemoryException | RuntimeException e) {
            errors.error("queue {} not started: {}", queueSel, e.getMessage());
            closeMemory(queue);
        }
    }

    private void stopQueue(int index, Queue queue) {
        if (queue.ready) {
            session.stopQueue(index);
            queue.ready = false;
        }
        closeMemory(queue);
    }

    private static void closeMemory(Queue queue) {
        if (queue.memory != null) {
            queue.memory.close();
            queue.memory = null;
        }
    }

    private void queueNotify(int index) {
        if (index >= queues.length || !queues[index].ready) {
            errors.error("notification for queue {}, which is not ready", index);
            return;
        }
        if (needsReset) {
            return; // the device stopped serving this driver until it resets
        }
        host.queueNotified(index);
    }

    /**
     * The queue's work after a notification, on the transport's worker: takes no register lock.
     * A queue stopped or reset meanwhile is skipped (the session ignores a stopped queue anyway).
     */
    public void serveQueue(int index) {
        if (!closed && !needsReset && index < queues.length && queues[index].ready) {
            session.queueNotified(index);
        }
    }

    /** Status 0: everything the driver negotiated or set up is forgotten and no mapping stays. */
    private void reset() {
        session.reset();
        for (Queue queue : queues) {
            queue.ready = false;
            closeMemory(queue);
            queue.size = 0;
            queue.descriptorTable = queue.driverArea = queue.deviceArea = 0;
        }
        host.releaseMemory();
        boolean wasDriverOk = (status & STATUS_DRIVER_OK) != 0;
        status = 0;
        needsReset = false;
        interruptStatus.set(0);
        driverFeatures = 0;
        deviceFeaturesSel = driverFeaturesSel = queueSel = 0;
        if (wasDriverOk) {
            host.driverStateChanged(false);
        }
    }

    // ------------------------------------------------------------ GuestTransport (from the session)

    @Override
    public void notifyGuest(int queueIndex) {
        interruptStatus.getAndUpdate(s -> s | INTERRUPT_USED_BUFFER);
        host.raiseInterrupt();
    }

    @Override
    public void deviceNeedsReset(String reason) {
        errors.error("device needs reset: {}", reason);
        needsReset = true;
        interruptStatus.getAndUpdate(s -> s | INTERRUPT_CONFIG_CHANGE);
        host.raiseInterrupt();
    }

    /** The guest is gone: stop the session and release every mapping. */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } finally {
            for (Queue queue : queues) {
                queue.ready = false;
                closeMemory(queue);
            }
            host.releaseMemory();
        }
    }
}
