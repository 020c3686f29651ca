package org.scmi.virtio.ring;

import java.lang.foreign.MemorySegment;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One chain taken from a virtqueue ({@link Virtqueue#next}): its head index, its device-readable
 * buffers followed by its device-writable ones, and their bytes, either copied as two contiguous
 * logical byte ranges ({@link #read}, {@link #write}) or in place, buffer by buffer
 * ({@link #segment}, {@link #offset}, {@link #length}).
 *
 * <p>Each buffer was checked and resolved in the guest's memory once, when the chain was taken;
 * nothing here looks it up again. The chain belongs to the queue and is valid from the
 * {@link Virtqueue#next} that returned it until it is returned ({@link Virtqueue#addUsed}) or put
 * back ({@link Virtqueue#undoNext}); afterwards every method but {@link #head()} throws
 * {@link IllegalStateException}, and the queue may hand the same object out for another chain.
 * Not thread-safe: used by the thread that serves the queue.
 */
@ProviderType
public interface DescriptorChain {

    /** Index of the head descriptor: the id returned in the used ring. */
    int head();

    /** Number of device-readable buffers: buffers {@code 0 .. readableCount() - 1}. */
    int readableCount();

    /** Number of device-writable buffers, which follow the readable ones. */
    int writableCount();

    /** Total bytes of the device-readable buffers. */
    long readableLength();

    /** Total bytes of the device-writable buffers. */
    long writableLength();

    /**
     * Copies readable bytes from logical offset {@code offset} (over all readable buffers in
     * order) into {@code target}.
     *
     * @return bytes copied: {@code length}, or fewer if the readable part ends first
     */
    int read(long offset, byte[] target, int targetOffset, int length);

    /**
     * Copies {@code length} bytes of {@code source} into the writable part at logical offset
     * {@code offset} (over all writable buffers in order).
     *
     * @throws IndexOutOfBoundsException if the bytes do not fit the writable part: the device must
     *     size what it writes by {@link #writableLength()}
     */
    void write(long offset, byte[] source, int sourceOffset, int length);

    /**
     * The segment holding buffer {@code buffer} (readable buffers first), for reading or writing it
     * in place. It is the mapping the buffer lies in, usually larger than the buffer: only
     * {@code [offset(buffer), offset(buffer) + length(buffer))} belongs to the chain, and a device
     * that reads or writes the segment directly must keep to that range, and write only into
     * device-writable buffers. The guest can change its buffers' bytes at any time: read each value
     * once.
     */
    MemorySegment segment(int buffer);

    /** Where buffer {@code buffer} starts in {@link #segment(int)}. */
    long offset(int buffer);

    /** Length in bytes of buffer {@code buffer}. */
    long length(int buffer);
}
