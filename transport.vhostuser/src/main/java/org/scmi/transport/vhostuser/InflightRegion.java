package org.scmi.transport.vhostuser;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.virtio.ring.InflightLog;
import org.scmi.virtio.ring.SplitRing;

/**
 * The shared memory of VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD for split rings (QEMU
 * {@code docs/interop/vhost-user.rst}, "Inflight I/O tracking"): one region per queue, each a
 * header ({@code features}, {@code version}, {@code desc_num}, {@code last_batch_head},
 * {@code used_idx}) and one 16-byte state per descriptor ({@code inflight}, {@code next},
 * {@code counter}). The back-end allocates it (GET_INFLIGHT_FD), the front-end keeps it for the
 * life of the guest's device and gives it to every back-end it connects to (SET_INFLIGHT_FD), so
 * what a back-end wrote survives the back-end's death.
 *
 * <p>Fields are in the machine's byte order, like every vhost-user payload. A back-end process
 * that dies mid-update leaves its stores in the shared pages; the recovery rule of the
 * specification repairs the one batch whose used idx it may not have recorded.
 *
 * <p>The layout constants are public for front-ends (and tests) that look into a region.
 *
 * <p>Threads: the connection thread maps and unmaps the region; each queue's log is used only by
 * the thread that serves that queue.
 */
public final class InflightRegion implements AutoCloseable {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    // QueueRegionSplit
    public static final int QUEUE_FEATURES = 0;
    public static final int QUEUE_VERSION = 8;
    public static final int QUEUE_DESC_NUM = 10;
    public static final int QUEUE_LAST_BATCH_HEAD = 12;
    public static final int QUEUE_USED_IDX = 14;
    public static final int QUEUE_DESC = 16;
    /** The only layout version; 0 marks a region no back-end has used yet. */
    public static final int VERSION = 1;

    // DescStateSplit
    public static final int DESC_INFLIGHT = 0;
    public static final int DESC_NEXT = 6;
    public static final int DESC_COUNTER = 8;
    public static final int DESC_SIZE = 16;

    /** Alignment of each queue's region (the stride libvhost-user and QEMU's tests use). */
    public static final int QUEUE_ALIGN = 64;

    private final MemorySegment mapping;
    private final MemorySegment whole;
    private final int queueCount;
    private final int queueSize;

    private InflightRegion(MemorySegment whole, MemorySegment mapping, int queueCount, int queueSize) {
        this.whole = whole;
        this.mapping = mapping;
        this.queueCount = queueCount;
        this.queueSize = queueSize;
    }

    /** Bytes of one queue's region: header and descriptor states, rounded up to {@link #QUEUE_ALIGN}. */
    public static long queueRegionSize(int queueSize) {
        long bytes = QUEUE_DESC + (long) DESC_SIZE * queueSize;
        return (bytes + QUEUE_ALIGN - 1) & -QUEUE_ALIGN;
    }

    /** Bytes of the regions of {@code queueCount} queues of {@code queueSize} descriptors. */
    static long size(int queueCount, int queueSize) {
        return queueCount * queueRegionSize(queueSize);
    }

    /**
     * A new zeroed region (every queue uninitialised) in a memfd, for GET_INFLIGHT_FD.
     *
     * @return the memfd; the caller owns it
     */
    static int allocate(int queueCount, int queueSize) throws LinuxException {
        return Linux.memfdCreate("vhost-user-inflight", size(queueCount, queueSize));
    }

    /**
     * Maps the region a front-end gave with SET_INFLIGHT_FD. The fd is closed whatever happens: the
     * mapping keeps the memory alive.
     *
     * @throws ProtocolViolation if the description does not fit the queues or the fd cannot be mapped
     */
    static InflightRegion map(int fd, VhostUserCodec.InflightDescription description, int maxQueues, int maxQueueSize)
            throws ProtocolViolation {
        try {
            int queues = description.queueCount();
            int size = description.queueSize();
            if (queues < 1 || queues > maxQueues) {
                throw new ProtocolViolation("inflight region for " + queues + " queues (the device has " + maxQueues
                        + ")");
            }
            if (!SplitRing.isValidQueueSize(size) || size > maxQueueSize) {
                throw new ProtocolViolation("inflight region for queues of " + size + " descriptors (a power of two up "
                        + "to " + maxQueueSize + " expected)");
            }
            long needed = size(queues, size);
            long offset = description.mmapOffset();
            if (description.mmapSize() < needed || offset < 0 || description.mmapSize() > Long.MAX_VALUE - offset) {
                throw new ProtocolViolation(String.format("inflight region of 0x%x bytes at offset 0x%x; %d queues of %d "
                        + "need 0x%x", description.mmapSize(), offset, queues, size, needed));
            }
            MemorySegment whole;
            try {
                whole = Linux.mmap(fd, offset + description.mmapSize(), 0, true);
            } catch (LinuxException e) {
                throw new ProtocolViolation("cannot map the inflight region: " + e.getMessage(), e);
            }
            return new InflightRegion(whole, whole.asSlice(offset, needed), queues, size);
        } finally {
            Linux.close(fd);
        }
    }

    int queueCount() {
        return queueCount;
    }

    int queueSize() {
        return queueSize;
    }

    /** The log of queue {@code index}. */
    QueueLog queue(int index) {
        if (index < 0 || index >= queueCount) {
            throw new IndexOutOfBoundsException("queue " + index + " of " + queueCount);
        }
        long stride = queueRegionSize(queueSize);
        return new QueueLog(mapping.asSlice(index * stride, stride), queueSize);
    }

    @Override
    public void close() {
        try {
            Linux.munmap(whole);
        } catch (LinuxException e) {
            throw new IllegalStateException("munmap of the inflight region failed", e);
        }
    }

    /** One queue's region, recorded as the specification's split-ring rules say. */
    static final class QueueLog implements InflightLog {
        private final MemorySegment region;
        private final int size;
        /** Taking order: the next chain taken gets this counter. */
        private long counter;
        /** Whether {@link #recover} found the region in use by an earlier back-end. */
        private boolean resumed;

        QueueLog(MemorySegment region, int size) {
            this.region = region;
            this.size = size;
        }

        private long desc(int head) {
            return QUEUE_DESC + (long) head * DESC_SIZE;
        }

        private boolean isInflight(int head) {
            return region.get(ValueLayout.JAVA_BYTE, desc(head) + DESC_INFLIGHT) != 0;
        }

        private void setInflight(int head, boolean inflight) {
            region.set(ValueLayout.JAVA_BYTE, desc(head) + DESC_INFLIGHT, (byte) (inflight ? 1 : 0));
        }

        /** Whether an earlier back-end used this region (it was initialised when this queue opened). */
        boolean resumed() {
            return resumed;
        }

        @Override
        public int[] recover(int usedIndex) {
            int version = region.get(U16, QUEUE_VERSION) & 0xFFFF;
            int descNum = region.get(U16, QUEUE_DESC_NUM) & 0xFFFF;
            if (version != VERSION || descNum != (size & 0xFFFF)) {
                // Fresh, or laid out for another queue size: nothing in it can be trusted.
                region.fill((byte) 0); // features 0, every descriptor not in flight
                region.set(U16, QUEUE_VERSION, (short) VERSION);
                region.set(U16, QUEUE_DESC_NUM, (short) size);
                region.set(U16, QUEUE_USED_IDX, (short) usedIndex);
                counter = 0;
                resumed = false;
                return new int[0];
            }
            resumed = true;
            int recorded = region.get(U16, QUEUE_USED_IDX) & 0xFFFF;
            int unrecorded = (usedIndex - recorded) & 0xFFFF;
            // The last batch reached the used ring but its states were not cleared: clear them now.
            int head = region.get(U16, QUEUE_LAST_BATCH_HEAD) & 0xFFFF;
            for (int i = 0; i < unrecorded && i < size && head < size; i++) {
                setInflight(head, false);
                head = region.get(U16, desc(head) + DESC_NEXT) & 0xFFFF;
            }
            region.set(U16, QUEUE_USED_IDX, (short) usedIndex);
            List<long[]> pending = new ArrayList<>();
            long highest = -1;
            for (int i = 0; i < size; i++) {
                if (isInflight(i)) {
                    long taken = region.get(U64, desc(i) + DESC_COUNTER);
                    pending.add(new long[] {taken, i});
                    highest = Math.max(highest, taken);
                }
            }
            pending.sort(Comparator.comparingLong(entry -> entry[0]));
            counter = highest + 1;
            return pending.stream().mapToInt(entry -> (int) entry[1]).toArray();
        }

        @Override
        public void taken(int head) {
            region.set(U64, desc(head) + DESC_COUNTER, counter++);
            setInflight(head, true);
        }

        @Override
        public void putBack(int head) {
            setInflight(head, false);
        }

        @Override
        public void returning(int head) {
            region.set(U16, desc(head) + DESC_NEXT, region.get(U16, QUEUE_LAST_BATCH_HEAD));
            region.set(U16, QUEUE_LAST_BATCH_HEAD, (short) head);
        }

        @Override
        public void returned(int usedIndex) {
            // Every addUsed is a batch of one: the batch is the last head recorded.
            setInflight(region.get(U16, QUEUE_LAST_BATCH_HEAD) & 0xFFFF, false);
            region.set(U16, QUEUE_USED_IDX, (short) usedIndex);
        }
    }
}
