package org.scmi.transport.xen.sim;

import java.lang.foreign.MemorySegment;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.PageMapping;
import org.scmi.transport.xen.hypervisor.XenException;

/**
 * Guest pages mapped into this process from the guest's RAM memfd, as foreign frames (one run)
 * or as granted frames (scattered frames shown as one contiguous mapping, as gntdev does).
 * Closing unmaps them and runs the release (the grant map counts drop).
 */
final class SimMapping implements PageMapping {
    private final MemorySegment view;
    private final MemorySegment mapping;
    private final Runnable release;
    private boolean closed;

    private SimMapping(MemorySegment view, MemorySegment mapping, Runnable release) {
        this.view = view;
        this.mapping = mapping;
        this.release = release;
    }

    /** {@code count} consecutive frames of a RAM memfd from {@code offset}. */
    static SimMapping ofFile(int ramFd, long offset, int count, boolean writable, Runnable release)
            throws XenException {
        try {
            MemorySegment mapping = Linux.mmap(ramFd, (long) count * XenAbi.XEN_PAGE_SIZE, offset, writable);
            return new SimMapping(writable ? mapping : mapping.asReadOnly(), mapping, release);
        } catch (LinuxException e) {
            release.run();
            throw new XenException("foreign map", e);
        }
    }

    /** The frames of a RAM memfd at {@code offsets}, one after the other in one mapping. */
    static SimMapping ofFrames(int ramFd, long[] offsets, boolean writable, Runnable release) {
        long size = (long) offsets.length * XenAbi.XEN_PAGE_SIZE;
        MemorySegment mapping = FixedMappings.reserve(size);
        try {
            for (int i = 0; i < offsets.length; i++) {
                FixedMappings.mapAt(mapping.asSlice((long) i * XenAbi.XEN_PAGE_SIZE), ramFd, offsets[i],
                        XenAbi.XEN_PAGE_SIZE, writable);
            }
        } catch (RuntimeException e) {
            release.run();
            unmap(mapping);
            throw e;
        }
        return new SimMapping(writable ? mapping : mapping.asReadOnly(), mapping, release);
    }

    @Override
    public MemorySegment segment() {
        return view;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            unmap(mapping);
            release.run();
        }
    }

    private static void unmap(MemorySegment mapping) {
        try {
            Linux.munmap(mapping);
        } catch (LinuxException e) {
            throw new IllegalStateException("unmapping guest pages", e);
        }
    }
}
