package org.scmi.transport.xen.abi;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * Every Xen ioctl number, hypercall constant and shared struct layout this transport uses, in one
 * place. Sources: Linux {@code include/uapi/xen/{privcmd,evtchn,gntdev}.h} and Xen
 * {@code public/hvm/{ioreq,dm_op}.h}, {@code public/memory.h}, {@code public/arch-arm.h}. The
 * numbers and layouts are identical on x86_64 and arm64 (LP64, natural alignment, 8-byte
 * pointers); the unit tests pin them to the reference values. Field offsets are read from the
 * layouts by name, never written as literals elsewhere.
 */
public final class XenAbi {

    // ---------------------------------------------------------------- ioctl encoding (asm-generic)

    private static final int IOC_NONE = 0;
    private static final int IOC_WRITE = 1;
    private static final int NR_SHIFT = 0;
    private static final int TYPE_SHIFT = 8;
    private static final int SIZE_SHIFT = 16;
    private static final int DIR_SHIFT = 30;

    /** {@code _IOC(dir, type, nr, size)}; the result is passed to ioctl(2) as an unsigned long. */
    static long ioc(int dir, char type, int nr, long size) {
        return ((long) dir << DIR_SHIFT) | (size << SIZE_SHIFT) | ((long) type << TYPE_SHIFT) | ((long) nr << NR_SHIFT);
    }

    // ---------------------------------------------------------------- general

    /** Xen's page size for grants, foreign frames and ioreq pages, whatever the kernel page size. */
    public static final int XEN_PAGE_SIZE = 4096;
    public static final int XEN_PAGE_SHIFT = 12;
    public static final int DOMID_SELF = 0x7FF0;

    public static final String PRIVCMD_DEVICE = "/dev/xen/privcmd";
    public static final String EVTCHN_DEVICE = "/dev/xen/evtchn";
    public static final String GNTDEV_DEVICE = "/dev/xen/gntdev";
    public static final String XENBUS_DEVICE = "/dev/xen/xenbus";
    /** xenstored's socket in dom0 (libxenstore honours {@code XENSTORED_PATH} instead when set). */
    public static final String XENSTORED_SOCKET = "/run/xenstored/socket";

    // ---------------------------------------------------------------- Arm guest memory map (public/arch-arm.h)

    public static final long GUEST_VIRTIO_MMIO_BASE = 0x0200_0000L;
    /** Bytes of MMIO space each virtio-mmio device takes. */
    public static final long VIRTIO_MMIO_DEVICE_SIZE = 0x200;
    public static final int GUEST_VIRTIO_MMIO_SPI_FIRST = 33;
    public static final long GUEST_RAM0_BASE = 0x4000_0000L;
    /** First shared peripheral interrupt (GIC INTID); set_irq_level accepts SPIs only on Arm. */
    public static final int GIC_FIRST_SPI = 32;

    // ---------------------------------------------------------------- grant-encoded DMA addresses (Linux grant-dma-ops)

    /** Bit 63 marks a grant-encoded address: {@code 1<<63 | gref<<12 | offset}. */
    public static final long GRANT_DMA_ADDR_OFF = 1L << 63;

    public static boolean isGrantAddress(long address) {
        return (address & GRANT_DMA_ADDR_OFF) != 0;
    }

    /** The first grant reference a grant-encoded address names. */
    public static long grantRef(long address) {
        return (address & ~GRANT_DMA_ADDR_OFF) >>> XEN_PAGE_SHIFT;
    }

    public static long grantAddress(int ref, int offsetInPage) {
        return GRANT_DMA_ADDR_OFF | ((long) ref << XEN_PAGE_SHIFT) | offsetInPage;
    }

    // ---------------------------------------------------------------- struct ioreq (public/hvm/ioreq.h)

    /** One vCPU's slot in the synchronous ioreq page: 32 bytes, slot n at n * 32. */
    public static final StructLayout IOREQ = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"),
            JAVA_LONG.withName("data"),
            JAVA_INT.withName("count"),
            JAVA_INT.withName("size"),
            JAVA_INT.withName("vp_eport"),
            JAVA_SHORT.withName("_pad0"),
            JAVA_BYTE.withName("state_dir"),
            JAVA_BYTE.withName("type")).withName("ioreq");
    /** Bits 0-3 of the {@code state_dir} byte: the slot's state. */
    public static final int IOREQ_STATE_MASK = 0x0F;
    /** Bit 4: data is a guest pointer (never on Arm). */
    public static final int IOREQ_DATA_IS_PTR = 0x10;
    /** Bit 5: 1 = read (the backend supplies data), 0 = write. */
    public static final int IOREQ_DIR_READ = 0x20;
    public static final int STATE_IOREQ_NONE = 0;
    public static final int STATE_IOREQ_READY = 1;
    public static final int STATE_IOREQ_INPROCESS = 2;
    public static final int STATE_IORESP_READY = 3;
    public static final int IOREQ_TYPE_COPY = 1;
    public static final int IOREQ_TYPE_INVALIDATE = 8;
    /** Slots per ioreq page (4096 / 32). */
    public static final int IOREQ_SLOTS_PER_PAGE = (int) (XEN_PAGE_SIZE / IOREQ.byteSize());

    // ---------------------------------------------------------------- struct xen_dm_op (public/hvm/dm_op.h)

    public static final int XEN_DMOP_CREATE_IOREQ_SERVER = 1;
    public static final int XEN_DMOP_GET_IOREQ_SERVER_INFO = 2;
    /** get_ioreq_server_info flag: return no frame numbers (the only use on Arm). */
    public static final int XEN_DMOP_NO_GFNS = 1;
    public static final int XEN_DMOP_MAP_IO_RANGE_TO_IOREQ_SERVER = 3;
    public static final int XEN_DMOP_UNMAP_IO_RANGE_FROM_IOREQ_SERVER = 4;
    public static final int XEN_DMOP_SET_IOREQ_SERVER_STATE = 5;
    public static final int XEN_DMOP_DESTROY_IOREQ_SERVER = 6;
    public static final int XEN_DMOP_SET_IRQ_LEVEL = 19;
    public static final int XEN_DMOP_NR_VCPUS = 20;
    public static final int HVM_IOREQSRV_BUFIOREQ_OFF = 0;
    public static final int XEN_DMOP_IO_RANGE_MEMORY = 1;
    /** Most ioreq servers one guest can have. */
    public static final int MAX_NR_IOREQ_SERVERS = 8;

    /** The dm_op buffer: op, pad, then a 24-byte union whose members follow. */
    public static final StructLayout XEN_DM_OP = MemoryLayout.structLayout(
            JAVA_INT.withName("op"),
            JAVA_INT.withName("pad"),
            MemoryLayout.sequenceLayout(24, JAVA_BYTE).withName("u")).withName("xen_dm_op");
    /** Offset of the union inside {@link #XEN_DM_OP}; every payload layout below starts there. */
    public static final long DM_OP_PAYLOAD = XEN_DM_OP.byteOffset(MemoryLayout.PathElement.groupElement("u"));
    public static final StructLayout DM_OP_CREATE_IOREQ_SERVER = MemoryLayout.structLayout(
            JAVA_BYTE.withName("handle_bufioreq"),
            MemoryLayout.paddingLayout(3),
            JAVA_SHORT.withName("id")).withName("xen_dm_op_create_ioreq_server");
    public static final StructLayout DM_OP_GET_IOREQ_SERVER_INFO = MemoryLayout.structLayout(
            JAVA_SHORT.withName("id"),
            JAVA_SHORT.withName("flags"),
            JAVA_INT.withName("bufioreq_port"),
            JAVA_LONG.withName("ioreq_gfn"),
            JAVA_LONG.withName("bufioreq_gfn")).withName("xen_dm_op_get_ioreq_server_info");
    public static final StructLayout DM_OP_IOREQ_SERVER_RANGE = MemoryLayout.structLayout(
            JAVA_SHORT.withName("id"),
            JAVA_SHORT.withName("pad"),
            JAVA_INT.withName("type"),
            JAVA_LONG.withName("start"),
            JAVA_LONG.withName("end")).withName("xen_dm_op_ioreq_server_range");
    public static final StructLayout DM_OP_SET_IOREQ_SERVER_STATE = MemoryLayout.structLayout(
            JAVA_SHORT.withName("id"),
            JAVA_BYTE.withName("enabled"),
            JAVA_BYTE.withName("pad")).withName("xen_dm_op_set_ioreq_server_state");
    public static final StructLayout DM_OP_DESTROY_IOREQ_SERVER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("id"),
            JAVA_SHORT.withName("pad")).withName("xen_dm_op_destroy_ioreq_server");
    public static final StructLayout DM_OP_SET_IRQ_LEVEL = MemoryLayout.structLayout(
            JAVA_INT.withName("irq"),
            JAVA_BYTE.withName("level"),
            MemoryLayout.sequenceLayout(3, JAVA_BYTE).withName("pad")).withName("xen_dm_op_set_irq_level");
    public static final StructLayout DM_OP_NR_VCPUS = MemoryLayout.structLayout(
            JAVA_INT.withName("vcpus")).withName("xen_dm_op_nr_vcpus");

    // ---------------------------------------------------------------- /dev/xen/privcmd ('P')

    private static final char PRIVCMD = 'P';
    public static final StructLayout PRIVCMD_MMAPBATCH_V2 = MemoryLayout.structLayout(
            JAVA_INT.withName("num"),
            JAVA_SHORT.withName("dom"),
            MemoryLayout.paddingLayout(2),
            JAVA_LONG.withName("addr"),
            JAVA_LONG.withName("arr"),
            JAVA_LONG.withName("err")).withName("privcmd_mmapbatch_v2");
    public static final StructLayout PRIVCMD_DM_OP_BUF = MemoryLayout.structLayout(
            JAVA_LONG.withName("uptr"),
            JAVA_LONG.withName("size")).withName("privcmd_dm_op_buf");
    public static final StructLayout PRIVCMD_DM_OP = MemoryLayout.structLayout(
            JAVA_SHORT.withName("dom"),
            JAVA_SHORT.withName("num"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("ubufs")).withName("privcmd_dm_op");
    public static final StructLayout PRIVCMD_MMAP_RESOURCE = MemoryLayout.structLayout(
            JAVA_SHORT.withName("dom"),
            MemoryLayout.paddingLayout(2),
            JAVA_INT.withName("type"),
            JAVA_INT.withName("id"),
            JAVA_INT.withName("idx"),
            JAVA_LONG.withName("num"),
            JAVA_LONG.withName("addr")).withName("privcmd_mmap_resource");
    public static final StructLayout PRIVCMD_IRQFD = MemoryLayout.structLayout(
            JAVA_LONG.withName("dm_op"),
            JAVA_INT.withName("size"),
            JAVA_INT.withName("fd"),
            JAVA_INT.withName("flags"),
            JAVA_SHORT.withName("dom"),
            MemoryLayout.sequenceLayout(2, JAVA_BYTE).withName("pad")).withName("privcmd_irqfd");
    public static final StructLayout PRIVCMD_IOEVENTFD = MemoryLayout.structLayout(
            JAVA_LONG.withName("ioreq"),
            JAVA_LONG.withName("ports"),
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("addr_len"),
            JAVA_INT.withName("event_fd"),
            JAVA_INT.withName("vcpus"),
            JAVA_INT.withName("vq"),
            JAVA_INT.withName("flags"),
            JAVA_SHORT.withName("dom"),
            MemoryLayout.sequenceLayout(2, JAVA_BYTE).withName("pad")).withName("privcmd_ioeventfd");

    public static final long IOCTL_PRIVCMD_MMAPBATCH_V2 = ioc(IOC_NONE, PRIVCMD, 4, PRIVCMD_MMAPBATCH_V2.byteSize());
    public static final long IOCTL_PRIVCMD_DM_OP = ioc(IOC_NONE, PRIVCMD, 5, PRIVCMD_DM_OP.byteSize());
    public static final long IOCTL_PRIVCMD_RESTRICT = ioc(IOC_NONE, PRIVCMD, 6, JAVA_SHORT.byteSize());
    public static final long IOCTL_PRIVCMD_MMAP_RESOURCE = ioc(IOC_NONE, PRIVCMD, 7, PRIVCMD_MMAP_RESOURCE.byteSize());
    /** Linux 6.7+ (and 6.6.y backports): {@code _IOW}. */
    public static final long IOCTL_PRIVCMD_IRQFD = ioc(IOC_WRITE, PRIVCMD, 8, PRIVCMD_IRQFD.byteSize());
    /** Linux 6.6.0's first number for the same struct ({@code _IOC(NONE)}); tried after ENOTTY. */
    public static final long IOCTL_PRIVCMD_IRQFD_6_6 = ioc(IOC_NONE, PRIVCMD, 8, PRIVCMD_IRQFD.byteSize());
    public static final long IOCTL_PRIVCMD_IOEVENTFD = ioc(IOC_WRITE, PRIVCMD, 9, PRIVCMD_IOEVENTFD.byteSize());
    public static final int PRIVCMD_IRQFD_FLAG_DEASSIGN = 1;
    public static final int PRIVCMD_IOEVENTFD_FLAG_DEASSIGN = 1;
    /** Most buffers one DM_OP may carry, and the largest buffer (drivers/xen/privcmd.c defaults). */
    public static final int DM_OP_MAX_BUFFERS = 16;
    public static final int DM_OP_MAX_BUFFER_SIZE = 4096;

    /** XENMEM_acquire_resource type of an ioreq server's pages. */
    public static final int XENMEM_RESOURCE_IOREQ_SERVER = 0;
    /** Frame index of synchronous ioreq page n (frame 0 is the buffered-ioreq page). */
    public static int ioreqServerFrame(int page) {
        return 1 + page;
    }

    // ---------------------------------------------------------------- /dev/xen/evtchn ('E')

    private static final char EVTCHN = 'E';
    public static final StructLayout EVTCHN_BIND_INTERDOMAIN = MemoryLayout.structLayout(
            JAVA_INT.withName("remote_domain"),
            JAVA_INT.withName("remote_port")).withName("ioctl_evtchn_bind_interdomain");
    /** {unbind, notify, bind_static}: one u32 port. */
    public static final StructLayout EVTCHN_PORT = MemoryLayout.structLayout(
            JAVA_INT.withName("port")).withName("ioctl_evtchn_port");

    public static final long IOCTL_EVTCHN_BIND_INTERDOMAIN = ioc(IOC_NONE, EVTCHN, 1, EVTCHN_BIND_INTERDOMAIN.byteSize());
    public static final long IOCTL_EVTCHN_UNBIND = ioc(IOC_NONE, EVTCHN, 3, EVTCHN_PORT.byteSize());
    public static final long IOCTL_EVTCHN_NOTIFY = ioc(IOC_NONE, EVTCHN, 4, EVTCHN_PORT.byteSize());
    public static final long IOCTL_EVTCHN_RESET = ioc(IOC_NONE, EVTCHN, 5, 0);
    public static final long IOCTL_EVTCHN_RESTRICT_DOMID = ioc(IOC_NONE, EVTCHN, 6, JAVA_SHORT.byteSize());
    public static final long IOCTL_EVTCHN_BIND_STATIC = ioc(IOC_NONE, EVTCHN, 7, EVTCHN_PORT.byteSize());
    /** Ports are read from and written back to the evtchn fd as 4-byte little-endian words. */
    public static final int EVTCHN_PORT_BYTES = 4;

    // ---------------------------------------------------------------- /dev/xen/gntdev ('G')

    private static final char GNTDEV = 'G';
    public static final StructLayout GNTDEV_GRANT_REF = MemoryLayout.structLayout(
            JAVA_INT.withName("domid"),
            JAVA_INT.withName("ref")).withName("ioctl_gntdev_grant_ref");
    /** Header of ioctl_gntdev_map_grant_ref; {@code count} grant refs follow at {@code refs}. */
    public static final StructLayout GNTDEV_MAP_GRANT_REF = MemoryLayout.structLayout(
            JAVA_INT.withName("count"),
            JAVA_INT.withName("pad"),
            JAVA_LONG.withName("index"),
            GNTDEV_GRANT_REF.withName("refs")).withName("ioctl_gntdev_map_grant_ref");
    public static final StructLayout GNTDEV_UNMAP_GRANT_REF = MemoryLayout.structLayout(
            JAVA_LONG.withName("index"),
            JAVA_INT.withName("count"),
            JAVA_INT.withName("pad")).withName("ioctl_gntdev_unmap_grant_ref");
    public static final StructLayout GNTDEV_GRANT_COPY_PTR = MemoryLayout.structLayout(
            JAVA_INT.withName("ref"),
            JAVA_SHORT.withName("offset"),
            JAVA_SHORT.withName("domid")).withName("gntdev_grant_copy_ptr");
    public static final StructLayout GNTDEV_GRANT_COPY_SEGMENT = MemoryLayout.structLayout(
            MemoryLayout.unionLayout(JAVA_LONG.withName("virt"), GNTDEV_GRANT_COPY_PTR.withName("foreign")).withName("source"),
            MemoryLayout.unionLayout(JAVA_LONG.withName("virt"), GNTDEV_GRANT_COPY_PTR.withName("foreign")).withName("dest"),
            JAVA_SHORT.withName("len"),
            JAVA_SHORT.withName("flags"),
            JAVA_SHORT.withName("status"),
            MemoryLayout.paddingLayout(2)).withName("gntdev_grant_copy_segment");
    public static final StructLayout GNTDEV_GRANT_COPY = MemoryLayout.structLayout(
            JAVA_INT.withName("count"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("segments")).withName("ioctl_gntdev_grant_copy");

    /** The header's size as the ioctl number encodes it: header plus one grant ref. */
    public static final long IOCTL_GNTDEV_MAP_GRANT_REF = ioc(IOC_NONE, GNTDEV, 0, GNTDEV_MAP_GRANT_REF.byteSize());
    public static final long IOCTL_GNTDEV_UNMAP_GRANT_REF = ioc(IOC_NONE, GNTDEV, 1, GNTDEV_UNMAP_GRANT_REF.byteSize());
    public static final long IOCTL_GNTDEV_GRANT_COPY = ioc(IOC_NONE, GNTDEV, 8, GNTDEV_GRANT_COPY.byteSize());

    // ---------------------------------------------------------------- XenStore device states (public/io/xenbus.h)

    public static final int XENBUS_STATE_UNKNOWN = 0;
    public static final int XENBUS_STATE_INITIALISING = 1;
    public static final int XENBUS_STATE_INIT_WAIT = 2;
    public static final int XENBUS_STATE_INITIALISED = 3;
    public static final int XENBUS_STATE_CONNECTED = 4;
    public static final int XENBUS_STATE_CLOSING = 5;
    public static final int XENBUS_STATE_CLOSED = 6;

    /**
     * libxl's XenStore {@code type} of a virtio device (Xen 4.18+, {@code virtio = ["type=..."]}):
     * {@code virtio,device} and the device id in lower-case hexadecimal (virtio-scmi, 32:
     * {@code virtio,device20}).
     */
    public static String virtioDeviceType(int deviceId) {
        return "virtio,device" + Integer.toHexString(deviceId);
    }

    private XenAbi() {
    }

    /** Byte offset of a named field of a struct layout. */
    public static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
