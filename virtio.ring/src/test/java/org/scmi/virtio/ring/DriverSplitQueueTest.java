package org.scmi.virtio.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scmi.virtio.ring.driver.DmaMapping;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

/** The driver writes the ring layout of the virtio spec, byte for byte, and reads used entries back. */
class DriverSplitQueueTest {
    private static final long BASE = 0x4000_0000L;
    private final Arena arena = Arena.ofConfined();
    private final DriverMemory memory = DriverMemory.allocate(arena, BASE, 1 << 20);

    @AfterEach
    void close() {
        arena.close();
    }

    private ByteBuffer bytes(long address, int length) {
        return ByteBuffer.wrap(memory.read(address, length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void directChainIsLaidOutAsTheSpecSays() {
        DriverSplitQueue queue = new DriverSplitQueue(memory, 8, false, 256);
        assertEquals(0, queue.descriptorTableAddress() % 16);
        int head = queue.add(List.of(new byte[] {1, 2, 3, 4}), 12);
        ByteBuffer table = bytes(queue.descriptorTableAddress(), 32);
        long requestAddress = table.getLong(0);
        assertEquals(4, table.getInt(8));
        assertEquals(SplitRing.DESC_F_NEXT, table.getShort(12));
        int second = table.getShort(14);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, memory.read(requestAddress, 4));
        ByteBuffer writable = bytes(queue.descriptorTableAddress() + 16L * second, 16);
        assertEquals(12, writable.getInt(8));
        assertEquals(SplitRing.DESC_F_WRITE, writable.getShort(12));

        assertEquals(0, bytes(queue.availRingAddress(), 4).getShort(2), "not visible before publish");
        assertTrue(queue.publish(), "no suppression: kick");
        ByteBuffer avail = bytes(queue.availRingAddress(), 6);
        assertEquals(1, avail.getShort(2));
        assertEquals(head, avail.getShort(4));
        assertEquals(6, queue.freeDescriptors());

        // the device's part: write the response and a used entry
        long responseAddress = writable.getLong(0);
        memory.write(responseAddress, new byte[] {9, 8, 7, 6, 5, 4, 3, 2});
        MemorySegment usedRing = memory.at(queue.usedRingAddress(), SplitRing.usedRingSize(8));
        usedRing.set(DriverMemory.U32, SplitRing.USED_RING, head);
        usedRing.set(DriverMemory.U32, SplitRing.USED_RING + 4, 8);
        usedRing.set(DriverMemory.U16, SplitRing.USED_IDX, (short) 1);

        UsedBuffer used = queue.poll();
        assertEquals(head, used.id());
        assertEquals(8, used.length());
        assertArrayEquals(new byte[] {9, 8, 7, 6, 5, 4, 3, 2}, used.written());
        assertEquals(8, queue.freeDescriptors());
        assertNull(queue.poll());
    }

    @Test
    void hostAddressesFollowTheMapping() {
        assertEquals(memory.segment().address() + 0x100, memory.hostAddress(BASE + 0x100));
        assertEquals(memory.segment().address(), memory.hostAddress(BASE));
    }

    @Test
    void indirectChainUsesOneTableDescriptor() {
        DriverSplitQueue queue = new DriverSplitQueue(memory, 4, true, 256);
        int head = queue.addIndirect(List.of(new byte[] {1, 0, 0, 0}), 136);
        ByteBuffer descriptor = bytes(queue.descriptorTableAddress() + 16L * head, 16);
        assertEquals(queue.indirectTableAddress(head), descriptor.getLong(0));
        assertEquals(32, descriptor.getInt(8));
        assertEquals(SplitRing.DESC_F_INDIRECT, descriptor.getShort(12));
        ByteBuffer table = bytes(queue.indirectTableAddress(head), 32);
        assertEquals(SplitRing.DESC_F_NEXT, table.getShort(12));
        assertEquals(1, table.getShort(14));
        assertEquals(136, table.getInt(16 + 8));
        assertEquals(SplitRing.DESC_F_WRITE, table.getShort(16 + 12));
        assertEquals(3, queue.freeDescriptors());
    }

    @Test
    void eventIdxDecidesTheKick() {
        DriverSplitQueue queue = new DriverSplitQueue(memory, 8, true, 64);
        MemorySegment usedRing = memory.at(queue.usedRingAddress(), SplitRing.usedRingSize(8));
        queue.add(List.of(new byte[4]), 8);
        assertTrue(queue.publish(), "avail_event 0: the first entry is wanted");
        queue.add(List.of(new byte[4]), 8);
        assertFalse(queue.publish(), "avail_event still 0: 1 -> 2 does not cross it");
        usedRing.set(DriverMemory.U16, SplitRing.availEventOffset(8), (short) 2);
        queue.add(List.of(new byte[4]), 8);
        assertTrue(queue.publish());
    }

    /** A DMA layer telling the device addresses 1 TiB above the real ones, recording what it maps. */
    private static final class OffsetDma implements DmaMapping {
        static final long OFFSET = 1L << 40;
        final List<String> log = new ArrayList<>();
        boolean deviceHolds;

        @Override
        public long map(long guestAddress, long length, boolean deviceWrites) {
            log.add("map " + Long.toHexString(guestAddress) + "+" + length + (deviceWrites ? " writable" : " read-only"));
            return guestAddress + OFFSET;
        }

        @Override
        public boolean unmap(long dmaAddress, long length) {
            log.add("unmap " + Long.toHexString(dmaAddress - OFFSET) + "+" + length);
            return !deviceHolds;
        }
    }

    @Test
    void buffersReachTheDeviceThroughTheDmaMappingUntilReturned() {
        OffsetDma dma = new OffsetDma();
        DriverSplitQueue queue = new DriverSplitQueue(memory, 8, false, 256, dma);
        int head = queue.add(List.of(new byte[] {1, 2, 3, 4}), 12);
        ByteBuffer table = bytes(queue.descriptorTableAddress(), 32);
        long request = table.getLong(0) - OffsetDma.OFFSET;
        long response = bytes(queue.descriptorTableAddress() + 16L * table.getShort(14), 16).getLong(0)
                - OffsetDma.OFFSET;
        assertArrayEquals(new byte[] {1, 2, 3, 4}, memory.read(request, 4), "the device is told the mapped address");
        assertEquals(List.of("map " + Long.toHexString(request) + "+4 read-only",
                "map " + Long.toHexString(response) + "+12 writable"), dma.log);

        MemorySegment usedRing = memory.at(queue.usedRingAddress(), SplitRing.usedRingSize(8));
        usedRing.set(DriverMemory.U32, SplitRing.USED_RING, head);
        usedRing.set(DriverMemory.U16, SplitRing.USED_IDX, (short) 1);
        assertEquals(head, queue.poll().id());
        assertEquals(List.of("unmap " + Long.toHexString(request) + "+4", "unmap " + Long.toHexString(response) + "+12"),
                dma.log.subList(2, 4));

        queue.add(List.of(new byte[4]), 8);
        dma.deviceHolds = true;
        assertFalse(queue.releaseBuffers(), "the device still held a posted buffer");
        DriverSplitQueue held = new DriverSplitQueue(memory, 8, false, 256, dma);
        int heldHead = held.add(List.of(new byte[4]), 8);
        MemorySegment heldUsed = memory.at(held.usedRingAddress(), SplitRing.usedRingSize(8));
        heldUsed.set(DriverMemory.U32, SplitRing.USED_RING, heldHead);
        heldUsed.set(DriverMemory.U16, SplitRing.USED_IDX, (short) 1);
        assertThrows(IllegalStateException.class, held::poll, "a returned buffer the device still holds");
    }
}
