package org.scmi.transport.xen.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.mmio.QueueMemory;
import org.scmi.transport.xen.sim.SimDomain;
import org.scmi.transport.xen.sim.SimHypervisor;
import org.scmi.virtio.memory.GuestMemoryException;
import org.scmi.virtio.ring.SplitRing;

/** Grant and foreign guest memory over the simulated hypervisor's real mappings of a guest's memfd. */
class XenGuestMemoryTest {
    private static final int QUEUE_SIZE = 8;
    @TempDir
    Path dir;
    private SimHypervisor hypervisor;
    private SimDomain guest;
    private XenGuestMemory memory;

    @BeforeEach
    void start() throws Exception {
        hypervisor = new SimHypervisor(dir.resolve("xs.sock"), 0);
        guest = hypervisor.createDomain(3, 1, 1 << 20);
        memory = new XenGuestMemory(hypervisor, 3);
    }

    @AfterEach
    void stop() {
        hypervisor.close();
    }

    private long ram(long offset) {
        return guest.ramBase() + offset;
    }

    /** Rings in one granted block, like Linux's vring allocation: desc, avail, used on the next page. */
    private QueueMemory grantedQueue() throws GuestMemoryException {
        int ref = guest.grant(0, ram(0), 2 * XenAbi.XEN_PAGE_SIZE, false);
        long base = XenAbi.grantAddress(ref, 0);
        return memory.openQueue(QUEUE_SIZE, base, base + SplitRing.descriptorTableSize(QUEUE_SIZE),
                base + XenAbi.XEN_PAGE_SIZE);
    }

    @Test
    void grantedBytesAreTheGuestsBytes() throws Exception {
        QueueMemory queue = grantedQueue();
        guest.ram().set(ValueLayout.JAVA_LONG, 0x3008, 0x1122334455667788L);
        int ref = guest.grant(0, ram(0x3000), 64, false);
        MemorySegment buffer = queue.segment(XenAbi.grantAddress(ref, 8), 16, true);
        assertEquals(0x1122334455667788L, buffer.get(ValueLayout.JAVA_LONG, 0));
        buffer.set(ValueLayout.JAVA_LONG, 8, 42L);
        assertEquals(42L, guest.ram().get(ValueLayout.JAVA_LONG, 0x3010));
    }

    @Test
    void readOnlyGrantIsNeverWritable() throws Exception {
        QueueMemory queue = grantedQueue();
        int ref = guest.grant(0, ram(0x3000), 64, true);
        GuestMemoryException refused = assertThrows(GuestMemoryException.class,
                () -> queue.segment(XenAbi.grantAddress(ref, 0), 64, true));
        assertTrue(refused.getMessage().contains("writable grant references"), refused.getMessage());
        MemorySegment readable = queue.segment(XenAbi.grantAddress(ref, 0), 64, false);
        assertTrue(readable.isReadOnly());
        assertThrows(IllegalArgumentException.class, () -> readable.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
    }

    @Test
    void buffersAreUnmappedBeforeTheUsedRingIsWritten() throws Exception {
        QueueMemory queue = grantedQueue();
        int ringRefs = guest.mappedGrantReferences();
        int ref = guest.grant(0, ram(0x3000), 64, false);
        queue.segment(XenAbi.grantAddress(ref, 0), 64, true);
        assertEquals(ringRefs + 1, guest.mappedGrantReferences());
        long used = XenAbi.grantAddress(ref - 1, 0); // the ring block's second page
        queue.segment(used, SplitRing.usedRingSize(QUEUE_SIZE), true);
        assertEquals(ringRefs, guest.mappedGrantReferences());
        assertTrue(guest.endGrant(ref, 1), "the guest can take its buffer back");
    }

    @Test
    void releaseLeavesNothingMappedAndLateAccessFails() throws Exception {
        QueueMemory queue = grantedQueue();
        int ref = guest.grant(0, ram(0x3000), 64, false);
        MemorySegment buffer = queue.segment(XenAbi.grantAddress(ref, 0), 64, true);
        memory.releaseAll();
        assertEquals(0, guest.mappedGrantReferences());
        assertEquals(0, memory.mappingCount());
        assertThrows(IllegalStateException.class, () -> buffer.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(GuestMemoryException.class, () -> queue.segment(XenAbi.grantAddress(ref, 0), 64, false));
    }

    @Test
    void addressingModesDoNotMix() throws Exception {
        QueueMemory queue = grantedQueue();
        GuestMemoryException mixed = assertThrows(GuestMemoryException.class,
                () -> queue.segment(ram(0x3000), 16, false));
        assertTrue(mixed.getMessage().contains("guest-physical"), mixed.getMessage());
    }

    @Test
    void otherDomainsReferencesAreNotOurs() throws Exception {
        SimDomain other = hypervisor.createDomain(4, 1, 1 << 20);
        QueueMemory queue = grantedQueue();
        int foreignRef = other.grant(0, other.ramBase(), 64, false);
        // our guest's table has no such reference: the same number names nothing of the other domain
        assertThrows(GuestMemoryException.class, () -> queue.segment(XenAbi.grantAddress(foreignRef + 100, 0), 8, false));
        assertEquals(0, other.mappedGrantReferences());
    }

    @Test
    void foreignFramesAreMappedAndCachedUntilInvalidated() throws Exception {
        QueueMemory queue = memory.openQueue(QUEUE_SIZE, ram(0), ram(SplitRing.descriptorTableSize(QUEUE_SIZE)),
                ram(XenAbi.XEN_PAGE_SIZE));
        guest.ram().set(ValueLayout.JAVA_INT, 0x5000, 77);
        assertEquals(77, queue.segment(ram(0x5000), 4, false).get(ValueLayout.JAVA_INT, 0));
        int cached = memory.mappingCount();
        queue.segment(ram(0x5000), 4, false);
        assertEquals(cached, memory.mappingCount());
        memory.invalidateForeign();
        assertEquals(cached - 1, memory.mappingCount());
        assertThrows(GuestMemoryException.class, () -> queue.segment(ram(1 << 20), 4, false), "beyond the guest's RAM");
    }

    @Test
    void foreignMappingNeedsPrivilege() throws Exception {
        try (SimHypervisor driverDomain = new SimHypervisor(dir.resolve("dd.sock"), 7)) {
            driverDomain.createDomain(3, 1, 1 << 20);
            XenGuestMemory unprivileged = new XenGuestMemory(driverDomain, 3);
            GuestMemoryException e = assertThrows(GuestMemoryException.class,
                    () -> unprivileged.openQueue(QUEUE_SIZE, ram(0), ram(0x100), ram(0x1000)));
            assertTrue(e.getMessage().contains("privileged"), e.getMessage());
        }
    }
}
