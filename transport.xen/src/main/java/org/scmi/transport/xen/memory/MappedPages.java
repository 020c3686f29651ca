package org.scmi.transport.xen.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.PageMapping;

/**
 * A run of guest pages mapped into this process (a queue's rings, or cached foreign frames) whose
 * segments the ring code uses directly, handed out through a shared arena: after {@link #release()}
 * any late access to a segment from it fails with an exception instead of touching unmapped
 * memory, and only then are the pages unmapped. The guard matters because these mappings can be
 * released while another thread holds one of their segments (the foreign cache is shared by the
 * queues, and Xen's map-cache invalidation arrives on the ioreq thread); it costs a handshake with
 * every JVM thread per release, which is paid per queue start or cache eviction, never per request.
 */
final class MappedPages {
    private final long firstPage;
    private final int count;
    private final boolean writable;
    private final PageMapping mapping;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    /** Chains in flight using the mapping; guarded by the owning {@link XenGuestMemory}. */
    private int holders;

    MappedPages(long firstPage, int count, boolean writable, PageMapping mapping) {
        this.firstPage = firstPage;
        this.count = count;
        this.writable = writable;
        this.mapping = mapping;
        this.segment = mapping.segment().reinterpret(arena, null);
    }

    /** Whether this mapping holds pages {@code [page, page + pages)} with the access wanted. */
    boolean covers(long page, int pages, boolean wantWritable) {
        return page >= firstPage && page + pages <= firstPage + count && (writable || !wantWritable);
    }

    /** {@code length} bytes at {@code offset} into page {@code page}. */
    MemorySegment slice(long page, long offset, long length) {
        return segment.asSlice(offsetOf(page, offset), length);
    }

    /** The whole mapping, guarded by this object's arena. */
    MemorySegment segment() {
        return segment;
    }

    /** Where byte {@code offset} of page {@code page} is in {@link #segment()}. */
    long offsetOf(long page, long offset) {
        return (page - firstPage) * XenAbi.XEN_PAGE_SIZE + offset;
    }

    /** A chain in flight uses the mapping: {@link #release()} waits until it completes. */
    void hold() {
        holders++;
    }

    void unhold() {
        holders--;
    }

    /**
     * Invalidates the segments and unmaps the pages.
     *
     * @return false if a chain in flight holds the mapping, or a segment was in use on another
     *     thread right now (retry later)
     */
    boolean release() {
        if (holders > 0) {
            return false;
        }
        try {
            arena.close();
        } catch (IllegalStateException e) {
            if (arena.scope().isAlive()) {
                return false;
            }
        }
        mapping.close();
        return true;
    }
}
