package org.scmi.virtio.ring.split;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import org.scmi.virtio.memory.GuestMemory;
import org.scmi.virtio.memory.GuestMemoryException;
import org.scmi.virtio.memory.MappedRange;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.VirtqueueException;

/**
 * A chain of a {@link SplitQueue}: its buffers as resolved in guest memory when the chain was
 * taken, one {@link MappedRange} each, and the indirect table's range after them if the chain had
 * one (all of which the memory gets back in {@link GuestMemory#chainComplete}). Reused by its
 * queue: the ranges are allocated once and grow to the longest chain seen, so taking and serving a
 * chain allocates nothing.
 */
final class SplitChain implements DescriptorChain {
    private static final int INITIAL_CAPACITY = 4;

    private final SplitQueue queue;
    private int head = -1;
    /** Buffers in the chain: {@code ranges[0..count)}. */
    private int count;
    private int writableStart;
    private long readableLength;
    private long writableLength;
    private MappedRange[] ranges = newRanges(0, INITIAL_CAPACITY);
    /** Where the indirect table is resolved while the chain is walked; moved behind the buffers after. */
    private MappedRange table = new MappedRange();
    /** Ranges the memory resolved for the chain: the buffers, then the indirect table if any. */
    private int resolved;
    /** Taken and not yet returned or put back. */
    private boolean live;

    SplitChain(SplitQueue queue) {
        this.queue = queue;
    }

    private static MappedRange[] newRanges(int from, int to) {
        MappedRange[] created = new MappedRange[to];
        for (int i = from; i < to; i++) {
            created[i] = new MappedRange();
        }
        return created;
    }

    boolean belongsTo(SplitQueue owner) {
        return queue == owner && live;
    }

    @Override
    public int head() {
        return head;
    }

    @Override
    public int readableCount() {
        checkLive();
        return writableStart;
    }

    @Override
    public int writableCount() {
        checkLive();
        return count - writableStart;
    }

    @Override
    public long readableLength() {
        checkLive();
        return readableLength;
    }

    @Override
    public long writableLength() {
        checkLive();
        return writableLength;
    }

    @Override
    public int read(long offset, byte[] target, int targetOffset, int length) {
        checkLive();
        Objects.checkFromIndexSize(targetOffset, length, target.length);
        if (offset < 0) {
            throw new IndexOutOfBoundsException("offset " + offset);
        }
        int copied = 0;
        long position = 0;
        for (int i = 0; i < writableStart && copied < length; i++) {
            MappedRange range = ranges[i];
            long end = position + range.length();
            if (end > offset) {
                long from = Math.max(offset + copied, position) - position;
                int part = (int) Math.min(length - copied, range.length() - from);
                MemorySegment.copy(range.segment(), ValueLayout.JAVA_BYTE, range.offset() + from, target,
                        targetOffset + copied, part);
                copied += part;
            }
            position = end;
        }
        return copied;
    }

    @Override
    public void write(long offset, byte[] source, int sourceOffset, int length) {
        checkLive();
        Objects.checkFromIndexSize(sourceOffset, length, source.length);
        if (offset < 0 || length > writableLength - offset) {
            throw new IndexOutOfBoundsException(length + " bytes at " + offset + " exceed the writable "
                    + writableLength);
        }
        int copied = 0;
        long position = 0;
        for (int i = writableStart; i < count && copied < length; i++) {
            MappedRange range = ranges[i];
            long end = position + range.length();
            if (end > offset) {
                long into = Math.max(offset + copied, position) - position;
                int part = (int) Math.min(length - copied, range.length() - into);
                MemorySegment.copy(source, sourceOffset + copied, range.segment(), ValueLayout.JAVA_BYTE,
                        range.offset() + into, part);
                copied += part;
            }
            position = end;
        }
    }

    @Override
    public MemorySegment segment(int buffer) {
        return range(buffer).segment();
    }

    @Override
    public long offset(int buffer) {
        return range(buffer).offset();
    }

    @Override
    public long length(int buffer) {
        return range(buffer).length();
    }

    private MappedRange range(int buffer) {
        checkLive();
        return ranges[Objects.checkIndex(buffer, count)];
    }

    private void checkLive() {
        if (!live) {
            throw new IllegalStateException("chain " + head + " was returned or put back");
        }
    }

    /** Starts filling the chain with head {@code head}. */
    void begin(int head) {
        this.head = head;
        count = 0;
        writableStart = 0;
        readableLength = 0;
        writableLength = 0;
        resolved = 0;
        live = true;
    }

    /**
     * Appends a buffer, resolving it in guest memory.
     *
     * @param what names the descriptor in an error, e.g. "descriptor 3"
     */
    void add(GuestMemory memory, String what, int index, long address, long length, boolean writable)
            throws VirtqueueException {
        if (!writable && count > writableStart) {
            throw new VirtqueueException("chain " + head + ": device-readable descriptor after a device-writable one");
        }
        if (count + 1 >= ranges.length) { // one spare for the indirect table
            int grown = ranges.length * 2;
            ranges = Arrays.copyOf(ranges, grown);
            for (int i = count; i < grown; i++) {
                if (ranges[i] == null) {
                    ranges[i] = new MappedRange();
                }
            }
        }
        try {
            memory.resolve(address, length, writable, ranges[count]);
        } catch (GuestMemoryException e) {
            throw new VirtqueueException("buffer of " + what + index + ": " + e.getMessage());
        }
        count++;
        if (writable) {
            writableLength += length;
        } else {
            writableStart = count;
            readableLength += length;
        }
    }

    /** The range to resolve the chain's indirect table into, while it is walked. */
    MappedRange table() {
        return table;
    }

    /** The walk is over: the ranges resolved are the buffers, and the indirect table if {@code indirect}. */
    void end(boolean indirect) {
        resolved = count;
        if (indirect) {
            MappedRange spare = ranges[count];
            ranges[count] = table;
            table = spare;
            resolved++;
        }
    }

    /** Ranges resolved for the chain, for {@link GuestMemory#chainComplete}: {@code [0, resolvedCount())}. */
    MappedRange[] resolvedRanges() {
        return ranges;
    }

    int resolvedCount() {
        return resolved;
    }

    /** The chain went back to the guest or was put back: nothing in it is valid any more. */
    void release() {
        live = false;
        for (int i = 0, used = Math.max(resolved, count); i < used; i++) {
            ranges[i].clear();
        }
        table.clear();
        resolved = 0;
    }
}
