package org.scmi.transport.xen.mmio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The register file of one virtio-mmio device, kept in a memory segment instead of fields: a
 * file mapped shared (the device's state record, which outlives the server process so that the
 * next one can take the device over) or plain memory. What the driver negotiated and set up is
 * here and nowhere else, so it is in the record the moment the register machine changes it,
 * before the guest's access is answered.
 *
 * <p>Layout (native byte order: the record never leaves this host), every field aligned:
 *
 * <pre>
 *   0 u32 status                4 u32 DeviceFeaturesSel     8 u32 DriverFeaturesSel
 *  12 u32 QueueSel             16 u32 InterruptStatus      20 u32 ConfigGeneration
 *  24 u32 needs reset (0/1)    28 u32 queue count          32 u64 features offered
 *  40 u64 driver features      48 queues, 32 bytes each:
 *      +0 u32 QueueNum  +4 u32 QueueReady  +8 u64 QueueDesc  +16 u64 QueueDriver  +24 u64 QueueDevice
 * </pre>
 *
 * Each field is one aligned store, so a process killed at any instruction leaves every field old
 * or new, never torn. An all-zero file is a device fresh from reset that has not offered its
 * features yet.
 *
 * <p>Threads: the register machine writes under its register lock; InterruptStatus is also
 * changed by the device's own threads (atomically, in place), and QueueReady is read by the
 * queue worker (volatile).
 */
public final class MmioRegisters {
    /** Most queues a register file holds. */
    public static final int MAX_QUEUES = 16;
    private static final long STATUS = 0;
    private static final long DEVICE_FEATURES_SEL = 4;
    private static final long DRIVER_FEATURES_SEL = 8;
    private static final long QUEUE_SEL = 12;
    private static final long INTERRUPT_STATUS = 16;
    private static final long CONFIG_GENERATION = 20;
    private static final long NEEDS_RESET = 24;
    private static final long QUEUE_COUNT = 28;
    private static final long OFFERED_FEATURES = 32;
    private static final long DRIVER_FEATURES = 40;
    private static final long QUEUES = 48;
    private static final long QUEUE_BYTES = 32;
    private static final long QUEUE_NUM = 0;
    private static final long QUEUE_READY = 4;
    private static final long QUEUE_DESC = 8;
    private static final long QUEUE_DRIVER = 16;
    private static final long QUEUE_DEVICE = 24;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final int queueCount;

    private MmioRegisters(MemorySegment segment, int queueCount) {
        this.segment = segment;
        this.queueCount = queueCount;
    }

    /** Bytes a register file of {@code queueCount} queues takes. */
    public static long byteSize(int queueCount) {
        checkQueueCount(queueCount);
        return QUEUES + QUEUE_BYTES * queueCount;
    }

    private static void checkQueueCount(int queueCount) {
        if (queueCount < 1 || queueCount > MAX_QUEUES) {
            throw new IllegalArgumentException(queueCount + " queues: a register file holds 1 to " + MAX_QUEUES);
        }
    }

    /** A register file in this process's memory only, fresh from reset. */
    public static MmioRegisters inMemory(int queueCount) {
        return over(Arena.ofAuto().allocate(byteSize(queueCount), Long.BYTES), queueCount);
    }

    /**
     * The register file in {@code segment}: all zeros for a new device, or what a previous server
     * process left.
     *
     * @throws IllegalArgumentException if the segment is too small or misaligned, or holds a
     *     register file of another queue count
     */
    public static MmioRegisters over(MemorySegment segment, int queueCount) {
        long size = byteSize(queueCount);
        if (segment.byteSize() < size || segment.address() % Long.BYTES != 0) {
            throw new IllegalArgumentException("a register file of " + queueCount + " queues needs " + size
                    + " bytes aligned to " + Long.BYTES);
        }
        MmioRegisters registers = new MmioRegisters(segment.asSlice(0, size), queueCount);
        int recorded = registers.getInt(QUEUE_COUNT);
        if (recorded == 0) {
            registers.setInt(QUEUE_COUNT, queueCount);
        } else if (recorded != queueCount) {
            throw new IllegalArgumentException("the register file holds " + recorded + " queues, not " + queueCount);
        }
        return registers;
    }

    public int queueCount() {
        return queueCount;
    }

    private int getInt(long offset) {
        return segment.get(ValueLayout.JAVA_INT, offset);
    }

    private void setInt(long offset, int value) {
        segment.set(ValueLayout.JAVA_INT, offset, value);
    }

    private long getLong(long offset) {
        return segment.get(ValueLayout.JAVA_LONG, offset);
    }

    private void setLong(long offset, long value) {
        segment.set(ValueLayout.JAVA_LONG, offset, value);
    }

    private long queue(int index, long field) {
        if (index < 0 || index >= queueCount) {
            throw new IndexOutOfBoundsException("queue " + index + " of " + queueCount);
        }
        return QUEUES + QUEUE_BYTES * index + field;
    }

    /** Whether the device has not offered its features yet (a new device). */
    public boolean isNew() {
        return offeredFeatures() == 0;
    }

    public int status() {
        return getInt(STATUS);
    }

    public void setStatus(int status) {
        setInt(STATUS, status);
    }

    public int deviceFeaturesSel() {
        return getInt(DEVICE_FEATURES_SEL);
    }

    public void setDeviceFeaturesSel(int selector) {
        setInt(DEVICE_FEATURES_SEL, selector);
    }

    public int driverFeaturesSel() {
        return getInt(DRIVER_FEATURES_SEL);
    }

    public void setDriverFeaturesSel(int selector) {
        setInt(DRIVER_FEATURES_SEL, selector);
    }

    public int queueSel() {
        return getInt(QUEUE_SEL);
    }

    public void setQueueSel(int selector) {
        setInt(QUEUE_SEL, selector);
    }

    public int interruptStatus() {
        return (int) INT.getVolatile(segment, INTERRUPT_STATUS);
    }

    /** Sets InterruptStatus bits atomically (the device's threads raise them concurrently). */
    public void raiseInterruptBits(int bits) {
        int unused = (int) INT.getAndBitwiseOr(segment, INTERRUPT_STATUS, bits);
    }

    /** Clears InterruptStatus bits atomically (the driver's InterruptACK). */
    public void acknowledgeInterruptBits(int bits) {
        int unused = (int) INT.getAndBitwiseAnd(segment, INTERRUPT_STATUS, ~bits);
    }

    public int configGeneration() {
        return getInt(CONFIG_GENERATION);
    }

    public boolean needsReset() {
        return (int) INT.getVolatile(segment, NEEDS_RESET) != 0;
    }

    public void setNeedsReset(boolean needsReset) {
        INT.setVolatile(segment, NEEDS_RESET, needsReset ? 1 : 0);
    }

    public long offeredFeatures() {
        return getLong(OFFERED_FEATURES);
    }

    public void setOfferedFeatures(long features) {
        setLong(OFFERED_FEATURES, features);
    }

    public long driverFeatures() {
        return getLong(DRIVER_FEATURES);
    }

    public void setDriverFeatures(long features) {
        setLong(DRIVER_FEATURES, features);
    }

    public int queueNum(int queue) {
        return getInt(queue(queue, QUEUE_NUM));
    }

    public void setQueueNum(int queue, int size) {
        setInt(queue(queue, QUEUE_NUM), size);
    }

    /** QueueReady, read by the queue worker without the register lock. */
    public boolean queueReady(int queue) {
        return (int) INT.getVolatile(segment, queue(queue, QUEUE_READY)) != 0;
    }

    public void setQueueReady(int queue, boolean ready) {
        INT.setVolatile(segment, queue(queue, QUEUE_READY), ready ? 1 : 0);
    }

    public long queueDescriptorTable(int queue) {
        return getLong(queue(queue, QUEUE_DESC));
    }

    public void setQueueDescriptorTable(int queue, long address) {
        setLong(queue(queue, QUEUE_DESC), address);
    }

    public long queueDriverArea(int queue) {
        return getLong(queue(queue, QUEUE_DRIVER));
    }

    public void setQueueDriverArea(int queue, long address) {
        setLong(queue(queue, QUEUE_DRIVER), address);
    }

    public long queueDeviceArea(int queue) {
        return getLong(queue(queue, QUEUE_DEVICE));
    }

    public void setQueueDeviceArea(int queue, long address) {
        setLong(queue(queue, QUEUE_DEVICE), address);
    }

    /**
     * What a device reset (status 0) leaves: everything zero but the features the device offers
     * (kept for the driver's next probe) and the configuration generation. The status goes first,
     * so a process killed half-way leaves a device that reads as reset and is reset again when
     * the guest's status write is answered by the next process.
     */
    public void reset() {
        setStatus(0);
        for (int queue = 0; queue < queueCount; queue++) {
            setQueueReady(queue, false);
            setQueueNum(queue, 0);
            setQueueDescriptorTable(queue, 0);
            setQueueDriverArea(queue, 0);
            setQueueDeviceArea(queue, 0);
        }
        setNeedsReset(false);
        INT.setVolatile(segment, INTERRUPT_STATUS, 0);
        setDriverFeatures(0);
        setDeviceFeaturesSel(0);
        setDriverFeaturesSel(0);
        setQueueSel(0);
    }

    /** A one-line summary for administration and logs. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(String.format("status 0x%x features 0x%x", status(), driverFeatures()));
        for (int queue = 0; queue < queueCount; queue++) {
            text.append(String.format(" q%d %s/%d", queue, queueReady(queue) ? "ready" : "-", queueNum(queue)));
        }
        return text.append(String.format(" isr 0x%x", interruptStatus())).toString();
    }
}
