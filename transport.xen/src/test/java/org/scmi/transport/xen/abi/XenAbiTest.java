package org.scmi.transport.xen.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.transport.xen.abi.XenAbi.offset;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * Pins every ioctl number and struct layout to the values a C compiler gives for the Linux and
 * Xen headers (checked for x86_64 and for arm64 with aarch64-linux-gnu-gcc: identical on both).
 */
class XenAbiTest {

    private static void assertLayout(StructLayout layout, long size, Object... fieldOffsets) {
        assertEquals(size, layout.byteSize(), layout.name().orElse("?") + " size");
        for (int i = 0; i < fieldOffsets.length; i += 2) {
            String field = (String) fieldOffsets[i];
            long expected = ((Number) fieldOffsets[i + 1]).longValue();
            assertEquals(expected, offset(layout, field), layout.name().orElse("?") + "." + field);
        }
    }

    @Test
    void privcmdIoctlNumbers() {
        assertEquals(0x00205004L, XenAbi.IOCTL_PRIVCMD_MMAPBATCH_V2);
        assertEquals(0x00105005L, XenAbi.IOCTL_PRIVCMD_DM_OP);
        assertEquals(0x00025006L, XenAbi.IOCTL_PRIVCMD_RESTRICT);
        assertEquals(0x00205007L, XenAbi.IOCTL_PRIVCMD_MMAP_RESOURCE);
        assertEquals(0x40185008L, XenAbi.IOCTL_PRIVCMD_IRQFD);
        assertEquals(0x00185008L, XenAbi.IOCTL_PRIVCMD_IRQFD_6_6);
        assertEquals(0x40305009L, XenAbi.IOCTL_PRIVCMD_IOEVENTFD);
    }

    @Test
    void evtchnIoctlNumbers() {
        assertEquals(0x00084501L, XenAbi.IOCTL_EVTCHN_BIND_INTERDOMAIN);
        assertEquals(0x00044503L, XenAbi.IOCTL_EVTCHN_UNBIND);
        assertEquals(0x00044504L, XenAbi.IOCTL_EVTCHN_NOTIFY);
        assertEquals(0x00004505L, XenAbi.IOCTL_EVTCHN_RESET);
        assertEquals(0x00024506L, XenAbi.IOCTL_EVTCHN_RESTRICT_DOMID);
        assertEquals(0x00044507L, XenAbi.IOCTL_EVTCHN_BIND_STATIC);
    }

    @Test
    void gntdevIoctlNumbers() {
        assertEquals(0x00184700L, XenAbi.IOCTL_GNTDEV_MAP_GRANT_REF);
        assertEquals(0x00104701L, XenAbi.IOCTL_GNTDEV_UNMAP_GRANT_REF);
        assertEquals(0x00104708L, XenAbi.IOCTL_GNTDEV_GRANT_COPY);
    }

    @Test
    void ioreqLayout() {
        assertLayout(XenAbi.IOREQ, 32, "addr", 0, "data", 8, "count", 16, "size", 20, "vp_eport", 24, "_pad0", 28,
                "state_dir", 30, "type", 31);
        assertEquals(128, XenAbi.IOREQ_SLOTS_PER_PAGE);
    }

    @Test
    void dmOpLayouts() {
        assertLayout(XenAbi.XEN_DM_OP, 32, "op", 0, "pad", 4, "u", 8);
        long u = XenAbi.DM_OP_PAYLOAD;
        assertEquals(8, u);
        assertEquals(12, u + offset(XenAbi.DM_OP_CREATE_IOREQ_SERVER, "id"));
        assertEquals(8, u + offset(XenAbi.DM_OP_CREATE_IOREQ_SERVER, "handle_bufioreq"));
        assertEquals(8, u + offset(XenAbi.DM_OP_IOREQ_SERVER_RANGE, "id"));
        assertEquals(12, u + offset(XenAbi.DM_OP_IOREQ_SERVER_RANGE, "type"));
        assertEquals(16, u + offset(XenAbi.DM_OP_IOREQ_SERVER_RANGE, "start"));
        assertEquals(24, u + offset(XenAbi.DM_OP_IOREQ_SERVER_RANGE, "end"));
        assertEquals(10, u + offset(XenAbi.DM_OP_SET_IOREQ_SERVER_STATE, "enabled"));
        assertEquals(8, u + offset(XenAbi.DM_OP_DESTROY_IOREQ_SERVER, "id"));
        assertEquals(8, u + offset(XenAbi.DM_OP_SET_IRQ_LEVEL, "irq"));
        assertEquals(12, u + offset(XenAbi.DM_OP_SET_IRQ_LEVEL, "level"));
        assertEquals(13, u + offset(XenAbi.DM_OP_SET_IRQ_LEVEL, "pad"));
        assertEquals(8, u + offset(XenAbi.DM_OP_NR_VCPUS, "vcpus"));
        // every payload fits the 24-byte union
        for (StructLayout payload : new StructLayout[] {XenAbi.DM_OP_CREATE_IOREQ_SERVER, XenAbi.DM_OP_IOREQ_SERVER_RANGE,
                XenAbi.DM_OP_SET_IOREQ_SERVER_STATE, XenAbi.DM_OP_DESTROY_IOREQ_SERVER, XenAbi.DM_OP_SET_IRQ_LEVEL,
                XenAbi.DM_OP_NR_VCPUS}) {
            assertTrue(payload.byteSize() <= 24, payload.toString());
        }
    }

    @Test
    void privcmdLayouts() {
        assertLayout(XenAbi.PRIVCMD_MMAPBATCH_V2, 32, "num", 0, "dom", 4, "addr", 8, "arr", 16, "err", 24);
        assertLayout(XenAbi.PRIVCMD_DM_OP_BUF, 16, "uptr", 0, "size", 8);
        assertLayout(XenAbi.PRIVCMD_DM_OP, 16, "dom", 0, "num", 2, "ubufs", 8);
        assertLayout(XenAbi.PRIVCMD_MMAP_RESOURCE, 32, "dom", 0, "type", 4, "id", 8, "idx", 12, "num", 16, "addr", 24);
        assertLayout(XenAbi.PRIVCMD_IRQFD, 24, "dm_op", 0, "size", 8, "fd", 12, "flags", 16, "dom", 20, "pad", 22);
        assertLayout(XenAbi.PRIVCMD_IOEVENTFD, 48, "ioreq", 0, "ports", 8, "addr", 16, "addr_len", 24, "event_fd", 28,
                "vcpus", 32, "vq", 36, "flags", 40, "dom", 44, "pad", 46);
    }

    @Test
    void evtchnAndGntdevLayouts() {
        assertLayout(XenAbi.EVTCHN_BIND_INTERDOMAIN, 8, "remote_domain", 0, "remote_port", 4);
        assertLayout(XenAbi.EVTCHN_PORT, 4, "port", 0);
        assertLayout(XenAbi.GNTDEV_GRANT_REF, 8, "domid", 0, "ref", 4);
        assertLayout(XenAbi.GNTDEV_MAP_GRANT_REF, 24, "count", 0, "pad", 4, "index", 8, "refs", 16);
        assertLayout(XenAbi.GNTDEV_UNMAP_GRANT_REF, 16, "index", 0, "count", 8, "pad", 12);
        assertLayout(XenAbi.GNTDEV_GRANT_COPY_PTR, 8, "ref", 0, "offset", 4, "domid", 6);
        assertLayout(XenAbi.GNTDEV_GRANT_COPY_SEGMENT, 24, "source", 0, "dest", 8, "len", 16, "flags", 18, "status", 20);
        assertLayout(XenAbi.GNTDEV_GRANT_COPY, 16, "count", 0, "segments", 8);
    }

    @Test
    void grantEncodedAddresses() {
        long address = XenAbi.grantAddress(0x1234, 0x56);
        assertEquals(0x8000_0000_0123_4056L, address);
        assertTrue(XenAbi.isGrantAddress(address));
        assertEquals(0x1234, XenAbi.grantRef(address));
        assertFalse(XenAbi.isGrantAddress(0x4000_1000L));
    }

    @Test
    void ioreqSlotKeepsDirectionBitsAndOrdersState() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(XenAbi.XEN_PAGE_SIZE, XenAbi.XEN_PAGE_SIZE);
            IoreqSlot slot = IoreqSlot.of(page, 3);
            slot.setVpEventPort(17);
            slot.post(XenAbi.IOREQ_TYPE_COPY, 0x2000070L, 4, true, 0);
            // byte 30 of slot 3: READY (1) with dir=read (0x20), exactly as Xen lays it out
            assertEquals(0x21, page.get(ValueLayout.JAVA_BYTE, 3 * 32 + 30));
            assertEquals(XenAbi.IOREQ_TYPE_COPY, page.get(ValueLayout.JAVA_BYTE, 3 * 32 + 31));
            assertEquals(17, page.get(ValueLayout.JAVA_INT, 3 * 32 + 24));
            assertEquals(0x2000070L, page.get(ValueLayout.JAVA_LONG, 3 * 32));
            slot.setState(XenAbi.STATE_IORESP_READY);
            assertEquals(0x23, page.get(ValueLayout.JAVA_BYTE, 3 * 32 + 30));
            assertTrue(slot.isRead());
            assertThrows(IllegalStateException.class, () -> slot.post(XenAbi.IOREQ_TYPE_COPY, 0, 4, false, 0));
            assertThrows(IllegalArgumentException.class, () -> IoreqSlot.of(page, 128));
        }
    }
}
