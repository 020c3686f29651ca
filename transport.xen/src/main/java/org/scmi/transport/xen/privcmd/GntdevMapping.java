package org.scmi.transport.xen.privcmd;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.scmi.transport.xen.abi.XenAbi.offset;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.scmi.linux.Errno;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.PageMapping;
import org.scmi.transport.xen.hypervisor.XenException;

/**
 * Consecutive grant references of one domain mapped through {@code /dev/xen/gntdev}: MAP_GRANT_REF
 * reserves an offset, the mmap at that offset does the hypervisor map (read-only unless
 * writable: a read-only grant refuses a writable map), and closing is munmap then
 * UNMAP_GRANT_REF.
 */
final class GntdevMapping implements PageMapping {
    /** gntdev's advice for EAGAIN (page being swapped): retry after about a millisecond. */
    private static final int EAGAIN_RETRIES = 10;

    private final int fd;
    private final long index;
    private final int count;
    private final MemorySegment mapping;
    private boolean closed;

    private GntdevMapping(int fd, long index, int count, MemorySegment mapping) {
        this.fd = fd;
        this.index = index;
        this.count = count;
        this.mapping = mapping;
    }

    static GntdevMapping map(int fd, int domid, long firstRef, int count, boolean writable) throws XenException {
        long index;
        try (Arena arena = Arena.ofConfined()) {
            long refs = offset(XenAbi.GNTDEV_MAP_GRANT_REF, "refs");
            MemorySegment call = arena.allocate(refs + count * XenAbi.GNTDEV_GRANT_REF.byteSize(), 8);
            call.set(JAVA_INT, offset(XenAbi.GNTDEV_MAP_GRANT_REF, "count"), count);
            for (int i = 0; i < count; i++) {
                long entry = refs + i * XenAbi.GNTDEV_GRANT_REF.byteSize();
                call.set(JAVA_INT, entry + offset(XenAbi.GNTDEV_GRANT_REF, "domid"), domid);
                call.set(JAVA_INT, entry + offset(XenAbi.GNTDEV_GRANT_REF, "ref"), (int) (firstRef + i));
            }
            Linux.ioctl(fd, XenAbi.IOCTL_GNTDEV_MAP_GRANT_REF, call);
            index = call.get(JAVA_LONG, offset(XenAbi.GNTDEV_MAP_GRANT_REF, "index"));
        } catch (LinuxException e) {
            throw new XenException(String.format("reserving grants %d+%d of domain %d", firstRef, count, domid), e);
        }
        long size = (long) count * XenAbi.XEN_PAGE_SIZE;
        for (int attempt = 0; ; attempt++) {
            try {
                MemorySegment mapping = Linux.mmap(fd, size, index, writable);
                return new GntdevMapping(fd, index, count, writable ? mapping : mapping.asReadOnly());
            } catch (LinuxException e) {
                if (e.errno() == Errno.EAGAIN && attempt < EAGAIN_RETRIES) {
                    sleepMillisecond();
                    continue;
                }
                unmapRefs(fd, index, count);
                throw new XenException(String.format("mapping %s grants %d+%d of domain %d",
                        writable ? "writable" : "read-only", firstRef, count, domid), e);
            }
        }
    }

    private static void sleepMillisecond() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void unmapRefs(int fd, long index, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment call = arena.allocate(XenAbi.GNTDEV_UNMAP_GRANT_REF);
            call.set(JAVA_LONG, offset(XenAbi.GNTDEV_UNMAP_GRANT_REF, "index"), index);
            call.set(JAVA_INT, offset(XenAbi.GNTDEV_UNMAP_GRANT_REF, "count"), count);
            Linux.ioctl(fd, XenAbi.IOCTL_GNTDEV_UNMAP_GRANT_REF, call);
        } catch (LinuxException e) {
            throw new IllegalStateException("gntdev refused to release " + count + " grant slots", e);
        }
    }

    @Override
    public MemorySegment segment() {
        return mapping;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Privcmd.unmap(mapping);
            unmapRefs(fd, index, count);
        }
    }
}
