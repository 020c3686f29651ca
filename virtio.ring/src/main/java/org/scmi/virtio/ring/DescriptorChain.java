package org.scmi.virtio.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import org.scmi.virtio.memory.GuestMemory;
import org.scmi.virtio.memory.GuestMemoryException;

/**
 * One chain taken from a virtqueue: its head index, its device-readable buffers followed by its
 * device-writable ones, and access to their bytes as two contiguous logical byte ranges. Reusable:
 * a queue fills the same instance again on the next {@link Virtqueue#next}, so the hot path
 * allocates nothing once the buffer arrays have grown to the longest chain seen.
 *
 * <p>Buffer bytes are reached through the guest memory on every access, never through a segment
 * kept from an earlier call; a buffer that stopped being guest memory meanwhile is a
 * {@link VirtqueueException}.
 */
public final class DescriptorChain {
    private static final int INITIAL_CAPACITY = 4;

    private GuestMemory memory;
    private int head = -1;
    private int count;
    private int writableStart;
    private long[] addresses = new long[INITIAL_CAPACITY];
    private long[] lengths = new long[INITIAL_CAPACITY];
    private long readableLength;
    private long writableLength;

    /** Index of the head descriptor: the id returned in the used ring. */
    public int head() {
        return head;
    }

    /** Number of device-readable buffers. */
    public int readableCount() {
        return writableStart;
    }

    /** Number of device-writable buffers. */
    public int writableCount() {
        return count - writableStart;
    }

    /** Total bytes of the device-readable buffers. */
    public long readableLength() {
        return readableLength;
    }

    /** Total bytes of the device-writable buffers. */
    public long writableLength() {
        return writableLength;
    }

    /**
     * Copies readable bytes from logical offset {@code offset} (over all readable buffers in
     * order) into {@code target}.
     *
     * @return bytes copied: {@code length}, or fewer if the readable part ends first
     */
    public int read(long offset, byte[] target, int targetOffset, int length) throws VirtqueueException {
        Objects.checkFromIndexSize(targetOffset, length, target.length);
        if (offset < 0) {
            throw new IndexOutOfBoundsException("offset " + offset);
        }
        int copied = 0;
        long position = 0;
        for (int i = 0; i < writableStart && copied < length; i++) {
            long end = position + lengths[i];
            if (end > offset) {
                long from = Math.max(offset + copied, position) - position;
                int part = (int) Math.min(length - copied, lengths[i] - from);
                MemorySegment.copy(buffer(i, false), ValueLayout.JAVA_BYTE, from, target, targetOffset + copied, part);
                copied += part;
            }
            position = end;
        }
        return copied;
    }

    /**
     * Copies {@code length} bytes of {@code source} into the writable part at logical offset
     * {@code offset} (over all writable buffers in order).
     *
     * @throws IndexOutOfBoundsException if the bytes do not fit the writable part: the device must
     *     size what it writes by {@link #writableLength()}
     */
    public void write(long offset, byte[] source, int sourceOffset, int length) throws VirtqueueException {
        Objects.checkFromIndexSize(sourceOffset, length, source.length);
        if (offset < 0 || length > writableLength - offset) {
            throw new IndexOutOfBoundsException(length + " bytes at " + offset + " exceed the writable "
                    + writableLength);
        }
        int copied = 0;
        long position = 0;
        for (int i = writableStart; i < count && copied < length; i++) {
            long end = position + lengths[i];
            if (end > offset) {
                long into = Math.max(offset + copied, position) - position;
                int part = (int) Math.min(length - copied, lengths[i] - into);
                MemorySegment.copy(source, sourceOffset + copied, buffer(i, true), ValueLayout.JAVA_BYTE, into, part);
                copied += part;
            }
            position = end;
        }
    }

    private MemorySegment buffer(int index, boolean writable) throws VirtqueueException {
        try {
            return memory.segment(addresses[index], lengths[index], writable);
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("buffer of chain " + head + ": " + e.getMessage());
        }
    }

    /** Starts filling the chain with head {@code head}. */
    void reset(GuestMemory memory, int head) {
        this.memory = memory;
        this.head = head;
        count = 0;
        writableStart = 0;
        readableLength = 0;
        writableLength = 0;
    }

    /** Appends a buffer; the caller has checked it lies in guest memory. */
    void add(long address, long length, boolean writable) throws VirtqueueException {
        if (!writable && count > writableStart) {
            throw new VirtqueueException("chain " + head + ": device-readable descriptor after a device-writable one");
        }
        if (count == addresses.length) {
            addresses = Arrays.copyOf(addresses, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        addresses[count] = address;
        lengths[count] = length;
        count++;
        if (writable) {
            writableLength += length;
        } else {
            writableStart = count;
            readableLength += length;
        }
    }
}
