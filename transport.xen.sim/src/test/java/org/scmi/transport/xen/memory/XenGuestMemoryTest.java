package org.scmi.transport.xen.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.mmio.QueueMemory;
import org.scmi.transport.xen.sim.SimDomain;
import org.scmi.transport.xen.sim.SimHypervisor;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.memory.GuestMemoryException;
import org.scmi.virtio.memory.MappedRange;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.SplitRing;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/** Grant and foreign guest memory over the simulated hypervisor's real mappings of a guest's memfd. */
class XenGuestMemoryTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int QUEUE_SIZE = 8;
    @TempDir
    Path dir;
    private SimHypervisor hypervisor;
    private SimDomain guest;
    private XenGuestMemory memory;
    /** The first of the two references of {@link #grantedQueue()}'s ring block. */
    private int ringRef;

    @BeforeEach
    void start() throws Exception {
        hypervisor = new SimHypervisor(dir.resolve("xs.sock"), 0);
        guest = hypervisor.createDomain(3, 1, 1 << 20);
        memory = new XenGuestMemory(hypervisor, 3, "xen:3/0", true);
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
        ringRef = guest.grant(0, ram(0), 2 * XenAbi.XEN_PAGE_SIZE, false);
        long base = XenAbi.grantAddress(ringRef, 0);
        return memory.openQueue(QUEUE_SIZE, base, base + SplitRing.descriptorTableSize(QUEUE_SIZE),
                base + XenAbi.XEN_PAGE_SIZE);
    }

    /** The used ring of {@link #grantedQueue()}, as the ring code asks for it when the queue opens. */
    private MemorySegment usedRing(QueueMemory queue) throws GuestMemoryException {
        return queue.segment(XenAbi.grantAddress(ringRef + 1, 0), SplitRing.usedRingSize(QUEUE_SIZE), true);
    }

    /** Resolves one buffer as the ring code does when it takes a chain. */
    private static MappedRange resolve(QueueMemory queue, long address, long length, boolean writable)
            throws GuestMemoryException {
        MappedRange range = new MappedRange();
        queue.resolve(address, length, writable, range);
        return range;
    }

    /** Completes a chain made of {@code ranges}, as the ring code does before its used entry. */
    private static void complete(QueueMemory queue, MappedRange... ranges) throws GuestMemoryException {
        queue.chainComplete(ranges, ranges.length);
    }

    @Test
    void grantedBytesAreTheGuestsAndTheDevicesReachTheGuestAtChainComplete() throws Exception {
        QueueMemory queue = grantedQueue();
        guest.ram().set(ValueLayout.JAVA_LONG, 0x3008, 0x1122334455667788L);
        int ref = guest.grant(0, ram(0x3000), 64, false);
        MappedRange buffer = resolve(queue, XenAbi.grantAddress(ref, 8), 16, true);
        assertEquals(16, buffer.length());
        assertEquals(0x1122334455667788L, buffer.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, buffer.offset()));
        buffer.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, buffer.offset() + 8, 42L);
        assertEquals(0L, guest.ram().get(ValueLayout.JAVA_LONG, 0x3010), "not in the guest before the chain completes");
        complete(queue, buffer);
        assertEquals(42L, guest.ram().get(ValueLayout.JAVA_LONG, 0x3010));
        assertEquals(0x1122334455667788L, guest.ram().get(ValueLayout.JAVA_LONG, 0x3008), "bytes around kept");
    }

    @Test
    void askingForTheUsedRingWritesNothingBack() throws Exception {
        QueueMemory queue = grantedQueue();
        int ringRefs = guest.mappedGrantReferences();
        int ref = guest.grant(0, ram(0x3000), 64, false);
        MappedRange buffer = resolve(queue, XenAbi.grantAddress(ref, 0), 64, true);
        buffer.segment().set(ValueLayout.JAVA_INT_UNALIGNED, buffer.offset(), 7);
        usedRing(queue).set(ValueLayout.JAVA_SHORT_UNALIGNED, SplitRing.USED_IDX, (short) 1);
        assertEquals(0, guest.ram().get(ValueLayout.JAVA_INT, 0x3000), "the used ring is not a write-back point");
        assertEquals(ringRefs + 1, guest.mappedGrantReferences(), "the buffer stays mapped until its chain completes");
        complete(queue, buffer);
        assertEquals(7, guest.ram().get(ValueLayout.JAVA_INT, 0x3000));
        assertEquals(ringRefs, guest.mappedGrantReferences());
    }

    @Test
    void readOnlyGrantIsNeverWritable() throws Exception {
        QueueMemory queue = grantedQueue();
        int ref = guest.grant(0, ram(0x3000), 64, true);
        GuestMemoryException refused = assertThrows(GuestMemoryException.class,
                () -> resolve(queue, XenAbi.grantAddress(ref, 0), 64, true));
        assertTrue(refused.getMessage().contains("writable grant references"), refused.getMessage());
        MappedRange readable = resolve(queue, XenAbi.grantAddress(ref, 0), 64, false);
        assertTrue(readable.segment().isReadOnly());
        assertThrows(IllegalArgumentException.class,
                () -> readable.segment().set(ValueLayout.JAVA_BYTE, readable.offset(), (byte) 1));
    }

    @Test
    void readableBuffersAreUnmappedAtOnceWritableOnesWhenTheirChainCompletes() throws Exception {
        QueueMemory queue = grantedQueue();
        int ringRefs = guest.mappedGrantReferences();
        guest.ram().set(ValueLayout.JAVA_INT, 0x4000, 0xC0FFEE);
        int request = guest.grant(0, ram(0x4000), 64, true);
        MappedRange read = resolve(queue, XenAbi.grantAddress(request, 0), 64, false);
        assertEquals(0xC0FFEE, read.segment().get(ValueLayout.JAVA_INT_UNALIGNED, read.offset()));
        assertEquals(ringRefs, guest.mappedGrantReferences(), "a read request leaves nothing mapped");
        int response = guest.grant(0, ram(0x3000), 64, false);
        MappedRange written = resolve(queue, XenAbi.grantAddress(response, 0), 64, true);
        assertEquals(ringRefs + 1, guest.mappedGrantReferences());
        complete(queue, read, written);
        assertEquals(ringRefs, guest.mappedGrantReferences());
        assertTrue(guest.endGrant(response, 1), "the guest can take its buffer back");
        assertTrue(guest.endGrant(request, 1), "the guest can take its buffer back");
    }

    @Test
    void chainsInFlightCompleteOneByOne() throws Exception {
        QueueMemory queue = grantedQueue();
        int ringRefs = guest.mappedGrantReferences();
        int first = guest.grant(0, ram(0x3000), 64, false);
        int second = guest.grant(0, ram(0x6000), 64, false);
        MappedRange a = resolve(queue, XenAbi.grantAddress(first, 0), 64, true);
        MappedRange b = resolve(queue, XenAbi.grantAddress(second, 0), 64, true);
        a.segment().set(ValueLayout.JAVA_INT_UNALIGNED, a.offset(), 1);
        b.segment().set(ValueLayout.JAVA_INT_UNALIGNED, b.offset(), 2);
        complete(queue, b);
        assertEquals(2, guest.ram().get(ValueLayout.JAVA_INT, 0x6000));
        assertEquals(0, guest.ram().get(ValueLayout.JAVA_INT, 0x3000), "the other chain is still the device's");
        assertEquals(ringRefs + 1, guest.mappedGrantReferences());
        a.segment().set(ValueLayout.JAVA_INT_UNALIGNED, a.offset() + 4, 3);
        complete(queue, a);
        assertEquals(1, guest.ram().get(ValueLayout.JAVA_INT, 0x3000));
        assertEquals(3, guest.ram().get(ValueLayout.JAVA_INT, 0x3004));
        assertEquals(ringRefs, guest.mappedGrantReferences());
    }

    @Test
    void releaseLeavesNothingMappedAndLateAccessesReachNothing() throws Exception {
        QueueMemory queue = grantedQueue();
        int ref = guest.grant(0, ram(0x3000), 64, false);
        MappedRange buffer = resolve(queue, XenAbi.grantAddress(ref, 0), 64, true);
        MemorySegment ring = queue.segment(XenAbi.grantAddress(ringRef, 0), 16, false);
        memory.releaseAll();
        assertEquals(0, guest.mappedGrantReferences());
        assertEquals(0, memory.mappingCount());
        assertThrows(IllegalStateException.class, () -> ring.get(ValueLayout.JAVA_BYTE, 0));
        buffer.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, buffer.offset(), -1L);
        complete(queue, buffer);
        assertEquals(0L, guest.ram().get(ValueLayout.JAVA_LONG, 0x3000), "a late write stays in the device's copy");
        assertThrows(GuestMemoryException.class, () -> resolve(queue, XenAbi.grantAddress(ref, 0), 64, false));
    }

    @Test
    void onlyTheRingsAreSegments() throws Exception {
        QueueMemory queue = grantedQueue();
        int ref = guest.grant(0, ram(0x3000), 64, false);
        GuestMemoryException refused = assertThrows(GuestMemoryException.class,
                () -> queue.segment(XenAbi.grantAddress(ref, 0), 64, true));
        assertTrue(refused.getMessage().contains("not one of the queue's rings"), refused.getMessage());
    }

    @Test
    void bufferCopiesInFlightAreBounded() throws Exception {
        QueueMemory queue = grantedQueue();
        int bufferBytes = 64 * XenAbi.XEN_PAGE_SIZE;
        int ref = guest.grant(0, ram(0x10000), bufferBytes, false);
        int length = bufferBytes - 64;
        int fitting = (int) (XenGuestMemory.COPY_LIMIT / length);
        MappedRange[] inFlight = new MappedRange[fitting];
        for (int i = 0; i < fitting; i++) { // distinct ranges, readable and writable
            inFlight[i] = resolve(queue, XenAbi.grantAddress(ref, i), length, i % 2 == 0);
        }
        GuestMemoryException refused = assertThrows(GuestMemoryException.class,
                () -> resolve(queue, XenAbi.grantAddress(ref, fitting), length, false));
        assertTrue(refused.getMessage().contains("in flight"), refused.getMessage());
        complete(queue, inFlight[0]);
        assertEquals(length, resolve(queue, XenAbi.grantAddress(ref, fitting), length, false).length(),
                "a completed chain frees its share");
    }

    /** Writes descriptor {@code index} of a table in guest RAM at {@code table}. */
    private void descriptor(long table, int index, long address, int length, int flags, int next) {
        long at = table - guest.ramBase() + (long) index * SplitRing.DESCRIPTOR_SIZE;
        guest.ram().set(U64, at + SplitRing.DESC_ADDR, address);
        guest.ram().set(U32, at + SplitRing.DESC_LEN, length);
        guest.ram().set(U16, at + SplitRing.DESC_FLAGS, (short) flags);
        guest.ram().set(U16, at + SplitRing.DESC_NEXT, (short) next);
    }

    /** The ring code over {@link #grantedQueue()}'s rings, with descriptor 0 made available. */
    private Virtqueue ringWithOneChain(QueueMemory queue, long features) throws Exception {
        long avail = SplitRing.descriptorTableSize(QUEUE_SIZE);
        guest.ram().set(U16, avail + SplitRing.AVAIL_RING, (short) 0);
        guest.ram().set(U16, avail + SplitRing.AVAIL_IDX, (short) 1);
        long base = XenAbi.grantAddress(ringRef, 0);
        return new SplitQueueFactory().open(new QueueSetup(queue, QUEUE_SIZE, base, base + avail,
                base + XenAbi.XEN_PAGE_SIZE, 0), features | VirtioFeatures.bit(VirtioFeatures.VERSION_1));
    }

    private static DescriptorChain taken(Virtqueue ring) throws Exception {
        DescriptorChain chain = ring.next();
        assertTrue(chain != null, "the chain made available is taken");
        return chain;
    }

    @Test
    void guestCanEndAccessAsSoonAsTheUsedEntryIsPublished() throws Exception {
        QueueMemory queue = grantedQueue();
        guest.ram().set(U64, 0x4000, 0x0102030405060708L);
        int request = guest.grant(0, ram(0x4000), 8, true);
        int response = guest.grant(0, ram(0x3000), 64, false);
        descriptor(ram(0), 0, XenAbi.grantAddress(request, 0), 8, SplitRing.DESC_F_NEXT, 1);
        descriptor(ram(0), 1, XenAbi.grantAddress(response, 0), 64, SplitRing.DESC_F_WRITE, 0);
        Virtqueue ring = ringWithOneChain(queue, 0);
        int ringRefs = guest.mappedGrantReferences();
        DescriptorChain chain = taken(ring);
        byte[] bytes = new byte[8];
        chain.read(0, bytes, 0, 8);
        chain.write(0, bytes, 0, 8);
        assertEquals(0L, guest.ram().get(U64, 0x3000), "the response is the device's until the chain is returned");
        assertEquals(ringRefs + 1, guest.mappedGrantReferences(), "the response buffer is mapped until then");
        ring.addUsed(chain, 8);
        assertEquals(1, guest.ram().get(U16, XenAbi.XEN_PAGE_SIZE + SplitRing.USED_IDX), "used entry published");
        assertTrue(guest.endGrant(request, 1), "request buffer unmapped");
        assertTrue(guest.endGrant(response, 1), "response buffer unmapped");
        assertEquals(0x0102030405060708L, guest.ram().get(U64, 0x3000), "response bytes in the guest's buffer");
    }

    @Test
    void indirectTableNamingTheUsedRingAsABufferIsWalkedAndReleased() throws Exception {
        QueueMemory queue = grantedQueue();
        long table = ram(0x5000);
        int tableRef = guest.grant(0, table, 2 * SplitRing.DESCRIPTOR_SIZE, true);
        int response = guest.grant(0, ram(0x3000), 64, false);
        // a hostile guest: the first buffer is the queue's own used ring
        descriptor(table, 0, XenAbi.grantAddress(ringRef + 1, 0), (int) SplitRing.usedRingSize(QUEUE_SIZE),
                SplitRing.DESC_F_WRITE | SplitRing.DESC_F_NEXT, 1);
        descriptor(table, 1, XenAbi.grantAddress(response, 0), 64, SplitRing.DESC_F_WRITE, 0);
        descriptor(ram(0), 0, XenAbi.grantAddress(tableRef, 0), 2 * SplitRing.DESCRIPTOR_SIZE,
                SplitRing.DESC_F_INDIRECT, 0);
        Virtqueue ring = ringWithOneChain(queue, VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC));
        DescriptorChain chain = taken(ring);
        assertEquals(2, chain.writableCount(), "both entries of the table were read");
        assertEquals(SplitRing.usedRingSize(QUEUE_SIZE) + 64, chain.writableLength());
        ring.addUsed(chain, 0);
        assertTrue(guest.endGrant(tableRef, 1), "indirect table unmapped");
        assertTrue(guest.endGrant(response, 1), "buffer unmapped");
    }

    @Test
    void addressingModesDoNotMix() throws Exception {
        QueueMemory queue = grantedQueue();
        GuestMemoryException mixed = assertThrows(GuestMemoryException.class,
                () -> resolve(queue, ram(0x3000), 16, false));
        assertTrue(mixed.getMessage().contains("guest-physical"), mixed.getMessage());
    }

    @Test
    void otherDomainsReferencesAreNotOurs() throws Exception {
        SimDomain other = hypervisor.createDomain(4, 1, 1 << 20);
        QueueMemory queue = grantedQueue();
        int foreignRef = other.grant(0, other.ramBase(), 64, false);
        // our guest's table has no such reference: the same number names nothing of the other domain
        assertThrows(GuestMemoryException.class,
                () -> resolve(queue, XenAbi.grantAddress(foreignRef + 100, 0), 8, false));
        assertEquals(0, other.mappedGrantReferences());
    }

    @Test
    void foreignFramesAreMappedAndCachedUntilInvalidated() throws Exception {
        QueueMemory queue = memory.openQueue(QUEUE_SIZE, ram(0), ram(SplitRing.descriptorTableSize(QUEUE_SIZE)),
                ram(XenAbi.XEN_PAGE_SIZE));
        guest.ram().set(ValueLayout.JAVA_INT, 0x5000, 77);
        MappedRange first = resolve(queue, ram(0x5000), 4, false);
        assertEquals(77, first.segment().get(ValueLayout.JAVA_INT_UNALIGNED, first.offset()));
        complete(queue, first);
        int cached = memory.mappingCount();
        complete(queue, resolve(queue, ram(0x5000), 4, false));
        assertEquals(cached, memory.mappingCount());
        memory.invalidateForeign();
        assertEquals(cached - 1, memory.mappingCount());
        assertThrows(GuestMemoryException.class, () -> resolve(queue, ram(1 << 20), 4, false), "beyond the guest's RAM");
    }

    @Test
    void aForeignMappingInUseOutlivesInvalidationUntilItsChainCompletes() throws Exception {
        QueueMemory queue = memory.openQueue(QUEUE_SIZE, ram(0), ram(SplitRing.descriptorTableSize(QUEUE_SIZE)),
                ram(XenAbi.XEN_PAGE_SIZE));
        MappedRange buffer = resolve(queue, ram(0x5000), 4, true);
        int mapped = memory.mappingCount();
        memory.invalidateForeign();
        assertEquals(mapped, memory.mappingCount(), "still held by the chain in flight");
        buffer.segment().set(ValueLayout.JAVA_INT_UNALIGNED, buffer.offset(), 5);
        assertEquals(5, guest.ram().get(ValueLayout.JAVA_INT, 0x5000));
        complete(queue, buffer);
        assertEquals(mapped - 1, memory.mappingCount(), "released once the chain completed");
        assertThrows(IllegalStateException.class, () -> buffer.segment().get(ValueLayout.JAVA_INT, 0));
    }

    @Test
    void foreignMappingNeedsPrivilege() throws Exception {
        try (SimHypervisor driverDomain = new SimHypervisor(dir.resolve("dd.sock"), 7)) {
            driverDomain.createDomain(3, 1, 1 << 20);
            XenGuestMemory unprivileged = new XenGuestMemory(driverDomain, 3, "xen:3/0", true);
            GuestMemoryException e = assertThrows(GuestMemoryException.class,
                    () -> unprivileged.openQueue(QUEUE_SIZE, ram(0), ram(0x100), ram(0x1000)));
            assertTrue(e.getMessage().contains("privileged"), e.getMessage());
        }
    }
}
