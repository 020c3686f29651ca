package org.scmi.transport.xen.memory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.PageMapping;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.mmio.QueueMemory;
import org.scmi.virtio.memory.GuestMemoryException;
import org.scmi.virtio.memory.MappedRange;
import org.scmi.virtio.ring.SplitRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guest device's memory as the rings see it, in either of Xen's two addressing modes, told
 * apart by bit 63 of the addresses the driver writes: grant-encoded ({@code 1<<63 | gref<<12 |
 * offset}, pages mapped through gntdev, read-only for device-readable buffers) or guest-physical
 * (frames mapped through privcmd foreign mapping). The first ring address after a reset fixes the
 * mode; an address of the other kind is then a guest error.
 *
 * <p>Each started queue gets its own view ({@link #openQueue}): its three ring areas are mapped
 * once and held until the queue stops. Granted buffers are never handed to the ring code as
 * mappings but as copies ({@link GrantBuffer}): a device-readable buffer is copied when its chain
 * is taken and unmapped at once; a device-writable one is copied in, and written back and unmapped
 * when the chain completes ({@code GuestMemory.chainComplete}), which the ring code calls before it
 * writes the chain's used element. So the device's bytes are in the guest's buffer and its grants
 * are unmapped before the guest can see the buffer returned (Linux's grant-DMA code marks the whole
 * device broken if it finds a grant still in use when it frees the buffer), and no segment of a
 * mapping that may be released ever leaves this class unguarded. Foreign mappings have no such
 * constraint and stay in a bounded cache shared by the device's queues until the guest resets the
 * device or Xen invalidates the map cache; one that a chain in flight uses is held, and released
 * only once that chain completes or its queue stops. {@link #releaseAll()} (device reset, queue
 * stop, teardown) leaves nothing mapped.
 *
 * <p>What XenStore's {@code grant_usage} promises is not what every guest does (a kernel without
 * grant-DMA support falls back to guest-physical addresses), so the addressing the guest's
 * descriptors actually carry is logged when the first buffer shows it, and again whenever it
 * changes (a guest whose driver was reset may come back with another kernel's addressing).
 */
public final class XenGuestMemory {
    /** Largest run of pages one buffer or ring area may take (1 MiB): a bigger one is a guest error. */
    static final int MAX_PAGES = 256;
    /** Foreign mappings kept for reuse across requests. */
    static final int FOREIGN_CACHE_ENTRIES = 64;
    /**
     * Bytes of granted buffers one queue may hold copies of for its chains in flight (4 MiB): enough
     * for chains of many largest buffers, and a bound on what a guest can make the server allocate.
     */
    static final long COPY_LIMIT = 4L * MAX_PAGES * XenAbi.XEN_PAGE_SIZE;

    private enum Mode { GRANT, FOREIGN }

    private static final Logger LOG = LoggerFactory.getLogger(XenGuestMemory.class);

    private final XenHypervisor hypervisor;
    private final int domid;
    private final List<QueueView> queues = new ArrayList<>();
    private final LinkedHashMap<Long, MappedPages> foreignCache = new LinkedHashMap<>(16, 0.75f, true);
    private final List<MappedPages> retiring = new ArrayList<>();
    private final String guest;
    private final boolean grantsPromised;
    private Mode mode;
    /** The addressing the guest's buffers were last seen to use; null before its first buffer. */
    private volatile Mode buffersSeen;

    /**
     * @param guest the device's key, for the log
     * @param grantsPromised whether XenStore (or the static configuration) says the guest uses grants
     */
    public XenGuestMemory(XenHypervisor hypervisor, int domid, String guest, boolean grantsPromised) {
        this.hypervisor = hypervisor;
        this.domid = domid;
        this.guest = guest;
        this.grantsPromised = grantsPromised;
    }

    /** How the guest's descriptors address its buffers, once one was seen: for the administrator and tests. */
    public Optional<String> bufferAddressing() {
        Mode seen = buffersSeen;
        return seen == null ? Optional.empty() : Optional.of(describe(seen));
    }

    /** A descriptor's buffer was resolved: log the addressing the guest really uses when it is news. */
    private void bufferSeen(Mode bufferMode) {
        if (bufferMode == buffersSeen) {
            return;
        }
        buffersSeen = bufferMode;
        boolean asPromised = (bufferMode == Mode.GRANT) == grantsPromised;
        LOG.info("guest {}: its descriptors use {} addresses{}", guest, describe(bufferMode), asPromised
                ? " (as its configuration says: grant_usage=" + (grantsPromised ? 1 : 0) + ")"
                : grantsPromised ? ", although its configuration says grant_usage=1 (a guest kernel without "
                        + "grant-DMA support, CONFIG_XEN_VIRTIO); served by foreign mapping"
                        : ", although its configuration says grant_usage=0; served through the grants");
    }

    /** Maps a started queue's rings and returns its view. */
    public synchronized QueueMemory openQueue(int size, long descriptorTable, long driverArea, long deviceArea)
            throws GuestMemoryException {
        QueueView view = new QueueView();
        try {
            view.pin(descriptorTable, SplitRing.descriptorTableSize(size), false);
            view.pin(driverArea, SplitRing.availRingSize(size), false);
            view.pin(deviceArea, SplitRing.usedRingSize(size), true);
        } catch (GuestMemoryException e) {
            view.close();
            throw e;
        }
        queues.add(view);
        return view;
    }

    /** How many mappings of this guest's pages are held now (for leak checks). */
    public synchronized int mappingCount() {
        int count = foreignCache.size() + retiring.size();
        for (QueueView view : queues) {
            count += view.pinned.size() + view.mappedBuffers();
        }
        return count;
    }

    /** Device reset or teardown: every mapping goes and the addressing mode is forgotten. */
    public synchronized void releaseAll() {
        for (QueueView view : List.copyOf(queues)) {
            view.close();
        }
        invalidateForeign();
        mode = null;
    }

    /** Xen invalidated the guest's map cache (IOREQ_TYPE_INVALIDATE): drop cached foreign mappings. */
    public synchronized void invalidateForeign() {
        foreignCache.values().forEach(this::release);
        foreignCache.clear();
        retiring.removeIf(MappedPages::release);
    }

    private void release(MappedPages pages) {
        if (!pages.release()) {
            retiring.add(pages);
        }
    }

    private Mode modeOf(long address) throws GuestMemoryException {
        Mode wanted = XenAbi.isGrantAddress(address) ? Mode.GRANT : Mode.FOREIGN;
        if (mode == null) {
            mode = wanted;
        } else if (mode != wanted) {
            throw new GuestMemoryException(String.format("address 0x%x is %s, but the device's rings use %s addresses",
                    address, describe(wanted), describe(mode)));
        }
        return wanted;
    }

    private static String describe(Mode mode) {
        return mode == Mode.GRANT ? "grant-encoded" : "guest-physical";
    }

    /** Where an address's bytes are: first page number (gref or gfn), offset, page count. */
    private record Span(Mode mode, long firstPage, long offset, int pages) {
    }

    private Span span(long address, long length) throws GuestMemoryException {
        Mode addressMode = modeOf(address);
        long page = addressMode == Mode.GRANT ? XenAbi.grantRef(address) : address >>> XenAbi.XEN_PAGE_SHIFT;
        long offset = address & (XenAbi.XEN_PAGE_SIZE - 1);
        if (length < 0 || length > (long) MAX_PAGES * XenAbi.XEN_PAGE_SIZE) {
            throw new GuestMemoryException(String.format("range 0x%x+%d is longer than %d pages", address, length,
                    MAX_PAGES));
        }
        int pages = (int) Math.max(1, (offset + length + XenAbi.XEN_PAGE_SIZE - 1) / XenAbi.XEN_PAGE_SIZE);
        if (addressMode == Mode.GRANT && page + pages > 0x1_0000_0000L) {
            throw new GuestMemoryException(String.format("grant references of 0x%x+%d exceed 32 bits", address, length));
        }
        return new Span(addressMode, page, offset, pages);
    }

    /** Maps a span for use through segments handed out (rings, foreign frames): guarded by an arena. */
    private MappedPages map(Span span, boolean writable) throws GuestMemoryException {
        return new MappedPages(span.firstPage(), span.pages(), writable, mapPages(span, writable));
    }

    private PageMapping mapPages(Span span, boolean writable) throws GuestMemoryException {
        try {
            return span.mode() == Mode.GRANT
                    ? hypervisor.mapGrants(domid, span.firstPage(), span.pages(), writable)
                    : hypervisor.mapForeignFrames(domid, span.firstPage(), span.pages(), writable);
        } catch (XenException e) {
            throw new GuestMemoryException(String.format("cannot map %s %s 0x%x+%d of guest %d: %s",
                    writable ? "writable" : "read-only", span.mode() == Mode.GRANT ? "grant references" : "frames",
                    span.firstPage(), span.pages(), domid, e.getMessage()));
        }
    }

    /** A foreign mapping from the shared cache, mapping and caching it if needed. */
    private MappedPages foreign(Span span, boolean writable) throws GuestMemoryException {
        for (MappedPages cached : foreignCache.values()) {
            if (cached.covers(span.firstPage(), span.pages(), writable)) {
                return cached;
            }
        }
        MappedPages pages = map(span, writable);
        foreignCache.put(span.firstPage() << 1 | (writable ? 1 : 0), pages);
        if (foreignCache.size() > FOREIGN_CACHE_ENTRIES) {
            Iterator<Map.Entry<Long, MappedPages>> eldest = foreignCache.entrySet().iterator();
            release(eldest.next().getValue());
            eldest.remove();
        }
        return pages;
    }

    /**
     * One queue's view: its pinned rings, the copies of its granted buffers and the foreign mappings
     * its chains in flight hold. Chains are completed one by one ({@link #chainComplete}), so any
     * number may be in flight.
     */
    private final class QueueView implements QueueMemory {
        final List<MappedPages> pinned = new ArrayList<>();
        /** Copies of granted buffers of chains in flight. */
        final List<GrantBuffer> buffers = new ArrayList<>();
        /** Foreign mappings the chains in flight hold, once per range. */
        final List<MappedPages> held = new ArrayList<>();
        long copiedBytes;
        boolean closed;

        void pin(long address, long length, boolean writable) throws GuestMemoryException {
            pinned.add(map(span(address, length), writable));
        }

        /** A ring: the pinned mapping of the queue's descriptor table, available ring or used ring. */
        @Override
        public MemorySegment segment(long address, long length, boolean writable) throws GuestMemoryException {
            synchronized (XenGuestMemory.this) {
                checkOpen();
                Span span = span(address, length);
                MappedPages pages = pinnedCovering(span, writable);
                if (pages == null) {
                    throw new GuestMemoryException(String.format("0x%x+%d is not one of the queue's rings", address,
                            length));
                }
                return pages.slice(span.firstPage(), span.offset(), length);
            }
        }

        /**
         * A buffer of a chain: in the pinned rings (a guest may point there), in a foreign mapping
         * held until the chain completes, or a copy of the granted pages.
         */
        @Override
        public void resolve(long address, long length, boolean writable, MappedRange range)
                throws GuestMemoryException {
            synchronized (XenGuestMemory.this) {
                checkOpen();
                Span span = span(address, length);
                bufferSeen(span.mode());
                MappedPages pages = pinnedCovering(span, writable);
                if (pages != null) {
                    range.set(pages.segment(), pages.offsetOf(span.firstPage(), span.offset()), length, null);
                } else if (span.mode() == Mode.FOREIGN) {
                    pages = foreign(span, writable);
                    pages.hold();
                    held.add(pages);
                    range.set(pages.segment(), pages.offsetOf(span.firstPage(), span.offset()), length, pages);
                } else {
                    GrantBuffer buffer = buffer(address, length, span, writable);
                    range.set(buffer.bytes(), buffer.offsetOf(address), length, buffer);
                }
            }
        }

        /**
         * The device is done with a chain: its granted writable buffers are written back into the
         * guest's pages and every grant of the chain is unmapped; the foreign mappings it held may be
         * released.
         */
        @Override
        public void chainComplete(MappedRange[] ranges, int count) {
            synchronized (XenGuestMemory.this) {
                try {
                    for (int i = 0; i < count; i++) {
                        if (ranges[i].attachment() instanceof GrantBuffer buffer) {
                            returnBuffer(buffer);
                        }
                    }
                } finally {
                    for (int i = 0; i < count; i++) {
                        if (ranges[i].attachment() instanceof MappedPages pages && held.remove(pages)) {
                            pages.unhold();
                        }
                    }
                    retiring.removeIf(MappedPages::release);
                }
            }
        }

        private void checkOpen() throws GuestMemoryException {
            if (closed) {
                throw new GuestMemoryException("the queue was stopped: its memory is released");
            }
        }

        private MappedPages pinnedCovering(Span span, boolean writable) {
            for (MappedPages pages : pinned) {
                if (pages.covers(span.firstPage(), span.pages(), writable)) {
                    return pages;
                }
            }
            return null;
        }

        /** A copy of a granted buffer, made now unless one already holds the range. */
        private GrantBuffer buffer(long address, long length, Span span, boolean writable)
                throws GuestMemoryException {
            for (GrantBuffer buffer : buffers) {
                if (buffer.covers(address, length, writable)) {
                    return buffer;
                }
            }
            if (copiedBytes + length > COPY_LIMIT) {
                throw new GuestMemoryException(String.format("buffer 0x%x+%d: the queue's buffers in flight would "
                        + "exceed %d bytes", address, length, COPY_LIMIT));
            }
            PageMapping mapping = mapPages(span, writable);
            GrantBuffer buffer = writable ? GrantBuffer.writable(address, (int) length, mapping, span.offset())
                    : GrantBuffer.readOnly(address, (int) length, mapping, span.offset());
            buffers.add(buffer);
            copiedBytes += length;
            return buffer;
        }

        /** Writes a buffer's bytes back into the guest's pages (if writable) and unmaps its grants. */
        private void returnBuffer(GrantBuffer buffer) {
            try {
                buffer.writeBack();
            } finally {
                if (buffers.remove(buffer)) {
                    copiedBytes -= buffer.length();
                }
            }
        }

        int mappedBuffers() {
            return (int) buffers.stream().filter(GrantBuffer::isMapped).count();
        }

        @Override
        public void close() {
            synchronized (XenGuestMemory.this) {
                if (closed) {
                    return;
                }
                closed = true;
                pinned.forEach(XenGuestMemory.this::release);
                pinned.clear();
                // The queue stopped: the buffers of its chains in flight are not returned.
                buffers.forEach(GrantBuffer::discard);
                buffers.clear();
                copiedBytes = 0;
                held.forEach(MappedPages::unhold);
                held.clear();
                retiring.removeIf(MappedPages::release);
                queues.remove(this);
            }
        }
    }
}
