package org.scmi.virtio.ring;

/**
 * Wire layout of a split virtqueue (virtio 1.2 section 2.7): offsets, sizes and flags of the
 * descriptor table, the available ring and the used ring. All fields are little-endian.
 */
public final class SplitRing {

    /** Largest queue size a split ring can have. */
    public static final int MAX_QUEUE_SIZE = 32768;

    // struct virtq_desc
    public static final int DESCRIPTOR_SIZE = 16;
    public static final int DESC_ADDR = 0;
    public static final int DESC_LEN = 8;
    public static final int DESC_FLAGS = 12;
    public static final int DESC_NEXT = 14;
    /** The chain continues with the descriptor in the next field. */
    public static final int DESC_F_NEXT = 1;
    /** The buffer is device-writable (otherwise device-readable). */
    public static final int DESC_F_WRITE = 2;
    /** The buffer is a table of descriptors. */
    public static final int DESC_F_INDIRECT = 4;

    // struct virtq_avail
    public static final int AVAIL_FLAGS = 0;
    public static final int AVAIL_IDX = 2;
    public static final int AVAIL_RING = 4;
    public static final int AVAIL_ENTRY_SIZE = 2;
    /** The driver does not want interrupts (ignored by the device with EVENT_IDX). */
    public static final int AVAIL_F_NO_INTERRUPT = 1;

    // struct virtq_used
    public static final int USED_FLAGS = 0;
    public static final int USED_IDX = 2;
    public static final int USED_RING = 4;
    public static final int USED_ELEM_SIZE = 8;
    public static final int USED_ELEM_ID = 0;
    public static final int USED_ELEM_LEN = 4;
    /** The device does not want notifications (ignored by the driver with EVENT_IDX). */
    public static final int USED_F_NO_NOTIFY = 1;

    /** Required alignment of each part, in bytes. */
    public static final int DESCRIPTOR_TABLE_ALIGN = 16;
    public static final int AVAIL_ALIGN = 2;
    public static final int USED_ALIGN = 4;

    private SplitRing() {
    }

    public static long descriptorTableSize(int queueSize) {
        return (long) DESCRIPTOR_SIZE * queueSize;
    }

    /** Bytes of the available ring including used_event. */
    public static long availRingSize(int queueSize) {
        return AVAIL_RING + (long) AVAIL_ENTRY_SIZE * queueSize + 2;
    }

    /** Bytes of the used ring including avail_event. */
    public static long usedRingSize(int queueSize) {
        return USED_RING + (long) USED_ELEM_SIZE * queueSize + 2;
    }

    /** Offset of used_event (the driver's interrupt threshold) in the available ring. */
    public static long usedEventOffset(int queueSize) {
        return AVAIL_RING + (long) AVAIL_ENTRY_SIZE * queueSize;
    }

    /** Offset of avail_event (the device's notification threshold) in the used ring. */
    public static long availEventOffset(int queueSize) {
        return USED_RING + (long) USED_ELEM_SIZE * queueSize;
    }

    /** Whether {@code size} is a valid split queue size: a power of two, 1..32768. */
    public static boolean isValidQueueSize(int size) {
        return size > 0 && size <= MAX_QUEUE_SIZE && Integer.bitCount(size) == 1;
    }

    /**
     * The EVENT_IDX rule (vring_need_event): moving a 16-bit index from {@code oldIndex} to
     * {@code newIndex} crosses the other side's {@code event} index, so it wants to be told.
     */
    public static boolean needEvent(int event, int newIndex, int oldIndex) {
        return ((newIndex - event - 1) & 0xFFFF) < ((newIndex - oldIndex) & 0xFFFF);
    }
}
