package org.scmi.transport.xen.privcmd;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.scmi.transport.xen.abi.XenAbi.offset;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.XenException;

/**
 * The {@code /dev/xen/privcmd} calls: device-model operations (one {@code struct xen_dm_op} per
 * call), mapping an ioreq server's pages (MMAP_RESOURCE) and mapping guest frames (MMAPBATCH_V2).
 * Every struct is filled through {@link XenAbi}'s layouts in memory of the calling thread's arena;
 * the kernel pins what it needs.
 */
final class Privcmd implements AutoCloseable {
    private final int fd;

    private Privcmd(int fd) {
        this.fd = fd;
    }

    static Privcmd open() throws XenException {
        try {
            return new Privcmd(Linux.open(XenAbi.PRIVCMD_DEVICE, Linux.O_RDWR));
        } catch (LinuxException e) {
            throw new XenException("opening " + XenAbi.PRIVCMD_DEVICE, e);
        }
    }

    int fd() {
        return fd;
    }

    /** A zeroed xen_dm_op with its op number; the payload is written at {@link XenAbi#DM_OP_PAYLOAD}. */
    static MemorySegment dmOpBuffer(Arena arena, int op) {
        MemorySegment buffer = arena.allocate(XenAbi.XEN_DM_OP);
        buffer.set(JAVA_INT, offset(XenAbi.XEN_DM_OP, "op"), op);
        return buffer;
    }

    /** Issues one dm_op on {@code domid}; OUT fields are written back into {@code buffer}. */
    void dmOp(int domid, MemorySegment buffer, String what) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ubuf = arena.allocate(XenAbi.PRIVCMD_DM_OP_BUF);
            ubuf.set(JAVA_LONG, offset(XenAbi.PRIVCMD_DM_OP_BUF, "uptr"), buffer.address());
            ubuf.set(JAVA_LONG, offset(XenAbi.PRIVCMD_DM_OP_BUF, "size"), buffer.byteSize());
            MemorySegment call = arena.allocate(XenAbi.PRIVCMD_DM_OP);
            call.set(JAVA_SHORT, offset(XenAbi.PRIVCMD_DM_OP, "dom"), (short) domid);
            call.set(JAVA_SHORT, offset(XenAbi.PRIVCMD_DM_OP, "num"), (short) 1);
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_DM_OP, "ubufs"), ubuf.address());
            Linux.ioctl(fd, XenAbi.IOCTL_PRIVCMD_DM_OP, call);
        } catch (LinuxException e) {
            throw new XenException(what + " on domain " + domid, e);
        }
    }

    int nrVcpus(int domid) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = dmOpBuffer(arena, XenAbi.XEN_DMOP_NR_VCPUS);
            dmOp(domid, op, "nr_vcpus");
            return op.get(JAVA_INT, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_NR_VCPUS, "vcpus"));
        }
    }

    int createIoreqServer(int domid) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = dmOpBuffer(arena, XenAbi.XEN_DMOP_CREATE_IOREQ_SERVER);
            op.set(JAVA_BYTE, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_CREATE_IOREQ_SERVER, "handle_bufioreq"),
                    (byte) XenAbi.HVM_IOREQSRV_BUFIOREQ_OFF);
            dmOp(domid, op, "create_ioreq_server");
            return op.get(JAVA_SHORT, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_CREATE_IOREQ_SERVER, "id")) & 0xFFFF;
        }
    }

    /**
     * Checks that a guest has an ioreq server with this id and that this domain created it
     * (get_ioreq_server_info without frame numbers: ENOENT or EPERM otherwise).
     */
    void checkIoreqServer(int domid, int id) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = dmOpBuffer(arena, XenAbi.XEN_DMOP_GET_IOREQ_SERVER_INFO);
            op.set(JAVA_SHORT, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_GET_IOREQ_SERVER_INFO, "id"), (short) id);
            op.set(JAVA_SHORT, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_GET_IOREQ_SERVER_INFO, "flags"),
                    (short) XenAbi.XEN_DMOP_NO_GFNS);
            dmOp(domid, op, "get_ioreq_server_info " + id);
        }
    }

    void setIoreqServerState(int domid, int id, boolean enabled) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = dmOpBuffer(arena, XenAbi.XEN_DMOP_SET_IOREQ_SERVER_STATE);
            op.set(JAVA_SHORT, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_SET_IOREQ_SERVER_STATE, "id"), (short) id);
            op.set(JAVA_BYTE, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_SET_IOREQ_SERVER_STATE, "enabled"),
                    (byte) (enabled ? 1 : 0));
            dmOp(domid, op, "set_ioreq_server_state");
        }
    }

    void destroyIoreqServer(int domid, int id) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = dmOpBuffer(arena, XenAbi.XEN_DMOP_DESTROY_IOREQ_SERVER);
            op.set(JAVA_SHORT, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_DESTROY_IOREQ_SERVER, "id"), (short) id);
            dmOp(domid, op, "destroy_ioreq_server");
        }
    }

    /** Maps ({@code map}) or unmaps an MMIO range {@code [start, endInclusive]} of an ioreq server. */
    void ioRange(int domid, int id, boolean map, long start, long endInclusive) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = dmOpBuffer(arena, map ? XenAbi.XEN_DMOP_MAP_IO_RANGE_TO_IOREQ_SERVER
                    : XenAbi.XEN_DMOP_UNMAP_IO_RANGE_FROM_IOREQ_SERVER);
            long at = XenAbi.DM_OP_PAYLOAD;
            op.set(JAVA_SHORT, at + offset(XenAbi.DM_OP_IOREQ_SERVER_RANGE, "id"), (short) id);
            op.set(JAVA_INT, at + offset(XenAbi.DM_OP_IOREQ_SERVER_RANGE, "type"), XenAbi.XEN_DMOP_IO_RANGE_MEMORY);
            op.set(JAVA_LONG, at + offset(XenAbi.DM_OP_IOREQ_SERVER_RANGE, "start"), start);
            op.set(JAVA_LONG, at + offset(XenAbi.DM_OP_IOREQ_SERVER_RANGE, "end"), endInclusive);
            dmOp(domid, op, map ? "map_io_range_to_ioreq_server" : "unmap_io_range_from_ioreq_server");
        }
    }

    /** Fills a set_irq_level dm_op (also the buffer an irqfd re-issues). */
    static MemorySegment setIrqLevelOp(Arena arena, int irq, boolean high) {
        MemorySegment op = dmOpBuffer(arena, XenAbi.XEN_DMOP_SET_IRQ_LEVEL);
        op.set(JAVA_INT, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_SET_IRQ_LEVEL, "irq"), irq);
        op.set(JAVA_BYTE, XenAbi.DM_OP_PAYLOAD + offset(XenAbi.DM_OP_SET_IRQ_LEVEL, "level"), (byte) (high ? 1 : 0));
        return op;
    }

    void setIrqLevel(int domid, int irq, boolean high) throws XenException {
        try (Arena arena = Arena.ofConfined()) {
            dmOp(domid, setIrqLevelOp(arena, irq, high), "set_irq_level " + irq);
        }
    }

    /**
     * Maps synchronous ioreq page 0 of a server: a fresh mapping of the privcmd fd, populated by
     * MMAP_RESOURCE (the only way on Arm; get_ioreq_server_info cannot return gfns there).
     */
    MemorySegment mapIoreqPage(int domid, int id) throws XenException {
        MemorySegment page = mapWindow(1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment call = arena.allocate(XenAbi.PRIVCMD_MMAP_RESOURCE);
            call.set(JAVA_SHORT, offset(XenAbi.PRIVCMD_MMAP_RESOURCE, "dom"), (short) domid);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_MMAP_RESOURCE, "type"), XenAbi.XENMEM_RESOURCE_IOREQ_SERVER);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_MMAP_RESOURCE, "id"), id);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_MMAP_RESOURCE, "idx"), XenAbi.ioreqServerFrame(0));
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_MMAP_RESOURCE, "num"), 1L);
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_MMAP_RESOURCE, "addr"), page.address());
            Linux.ioctl(fd, XenAbi.IOCTL_PRIVCMD_MMAP_RESOURCE, call);
            return page;
        } catch (LinuxException e) {
            unmap(page);
            throw new XenException("mapping the ioreq page of server " + id + " of domain " + domid, e);
        }
    }

    /**
     * Maps {@code count} guest frames from {@code firstFrame}: every frame must map, else nothing
     * stays mapped (an unpopulated page in the window would fault on access).
     */
    MemorySegment mapForeign(int domid, long firstFrame, int count) throws XenException {
        MemorySegment window = mapWindow(count);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment frames = arena.allocate(JAVA_LONG, count);
            MemorySegment errors = arena.allocate(JAVA_INT, count);
            for (int i = 0; i < count; i++) {
                frames.setAtIndex(JAVA_LONG, i, firstFrame + i);
            }
            MemorySegment call = arena.allocate(XenAbi.PRIVCMD_MMAPBATCH_V2);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_MMAPBATCH_V2, "num"), count);
            call.set(JAVA_SHORT, offset(XenAbi.PRIVCMD_MMAPBATCH_V2, "dom"), (short) domid);
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_MMAPBATCH_V2, "addr"), window.address());
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_MMAPBATCH_V2, "arr"), frames.address());
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_MMAPBATCH_V2, "err"), errors.address());
            Linux.ioctl(fd, XenAbi.IOCTL_PRIVCMD_MMAPBATCH_V2, call);
            for (int i = 0; i < count; i++) {
                int error = errors.getAtIndex(JAVA_INT, i);
                if (error != 0) {
                    throw new XenException(String.format("frame 0x%x of domain %d does not map", firstFrame + i, domid),
                            -error);
                }
            }
            return window;
        } catch (LinuxException e) {
            unmap(window);
            throw new XenException(String.format("mapping frames 0x%x+%d of domain %d", firstFrame, count, domid), e);
        } catch (XenException e) {
            unmap(window);
            throw e;
        }
    }

    /** A fresh privcmd mapping of {@code pages} pages, to be populated by one ioctl. */
    private MemorySegment mapWindow(int pages) throws XenException {
        try {
            return Linux.mmap(fd, (long) pages * XenAbi.XEN_PAGE_SIZE, 0, true);
        } catch (LinuxException e) {
            throw new XenException("mmap of " + XenAbi.PRIVCMD_DEVICE, e);
        }
    }

    static void unmap(MemorySegment mapping) {
        try {
            Linux.munmap(mapping);
        } catch (LinuxException e) {
            throw new IllegalStateException("munmap of a Xen mapping failed", e);
        }
    }

    @Override
    public void close() {
        Linux.close(fd);
    }
}
