package org.scmi.virtio.ring;

/** Device-independent virtio feature bits (virtio 1.2 section 6) that the rings implement. */
public final class VirtioFeatures {

    /** The device notifies the driver when the avail ring runs empty, even if suppressed. */
    public static final int NOTIFY_ON_EMPTY = 24;
    /** Descriptors may point to indirect descriptor tables. */
    public static final int RING_INDIRECT_DESC = 28;
    /** used_event and avail_event fields suppress interrupts and notifications. */
    public static final int RING_EVENT_IDX = 29;
    /** The device follows virtio 1.0 or newer (little-endian rings, no legacy layout). */
    public static final int VERSION_1 = 32;

    private VirtioFeatures() {
    }

    /** The feature word with only {@code bit} set. */
    public static long bit(int bit) {
        return 1L << bit;
    }

    /** Whether {@code features} has {@code bit} set. */
    public static boolean has(long features, int bit) {
        return (features & bit(bit)) != 0;
    }
}
