package org.scmi.virtio.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.memory.GuestMemory;
import org.scmi.virtio.memory.GuestMemoryException;
import org.scmi.virtio.memory.MemoryRegion;
import org.scmi.virtio.memory.RegionGuestMemory;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/**
 * Fuzz target: the device side of a split ring walking whatever a guest wrote. The fuzzer writes
 * the descriptor table, two indirect tables, the avail ring and its index, and picks the queue
 * size, the ring features and where the device resumes (16-bit wrap included). Descriptors point
 * into a writable region, a read-only region beyond a gap, a region at the very top of the
 * 64-bit address space (ranges that wrap past zero), the indirect tables, or anywhere at all.
 *
 * <p>Invariants: the queue only ever fails with {@link VirtqueueException}; every range it asks the
 * guest memory for lies inside one region, and inside a writable one when it writes; a chain it
 * hands out holds at most one buffer per descriptor of its table; the used idx counts every chain
 * returned from the queue's base; and no guest byte changes outside the ranges the queue asked for as writable (the used
 * ring and buffers the guest marked device-writable), so read-only regions stay untouched.
 */
class SplitQueueFuzzTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VirtqueueFactory ENGINE = new SplitQueueFactory();

    private static final long RAM = 0x4000_0000L;
    private static final int RAM_SIZE = 0x4000;
    private static final long ROM = 0x4000_8000L;
    private static final int ROM_SIZE = 0x1000;
    /** The last page of the address space: a buffer running past it wraps to 0. */
    private static final long TOP = 0xFFFF_FFFF_FFFF_F000L;
    private static final int TOP_SIZE = 0x1000;

    private static final long DESCRIPTORS = RAM;
    private static final long AVAIL = RAM + 0x1000;
    private static final long USED = RAM + 0x1800;
    private static final long INDIRECT_A = RAM + 0x2000;
    private static final long INDIRECT_B = TOP + 0x800;
    private static final int INDIRECT_ENTRIES = 8;
    private static final int MAX_SIZE_LOG2 = 6;
    /** Bytes the device writes into a chain at most: enough to cross several small buffers. */
    private static final int RESPONSE = 96;

    @FuzzTest
    void walk(FuzzedDataProvider data) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(RAM_SIZE, 4096);
            MemorySegment rom = arena.allocate(ROM_SIZE, 4096);
            MemorySegment top = arena.allocate(TOP_SIZE, 4096);
            List<MemoryRegion> regions = List.of(new MemoryRegion(RAM, ram, false), new MemoryRegion(ROM, rom, true),
                    new MemoryRegion(TOP, top, false));
            CheckedMemory memory = new CheckedMemory(new RegionGuestMemory(regions), regions);

            int size = 1 << data.consumeInt(0, MAX_SIZE_LOG2);
            long features = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                    | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) : 0)
                    | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) : 0);
            int start = data.consumeBoolean() ? 0xFFFF - data.consumeInt(0, 3) : data.consumeInt(0, 0xFFFF);
            // Drawn before the tables so that even a short input makes chains available.
            int published = data.consumeBoolean() ? data.consumeInt(0, 0xFFFF) : start + data.consumeInt(1, size);
            for (int i = 0; i < size; i++) {
                writeDescriptor(data, ram, DESCRIPTORS - RAM + 16L * i, size + 1);
            }
            for (int i = 0; i < INDIRECT_ENTRIES; i++) {
                writeDescriptor(data, ram, INDIRECT_A - RAM + 16L * i, INDIRECT_ENTRIES + 1);
                writeDescriptor(data, top, INDIRECT_B - TOP + 16L * i, INDIRECT_ENTRIES + 1);
            }
            for (int i = 0; i < size; i++) {
                ram.set(U16, AVAIL - RAM + SplitRing.AVAIL_RING + 2L * i, (short) data.consumeInt(0, size + 1));
            }
            ram.set(U16, AVAIL - RAM + SplitRing.AVAIL_IDX, (short) published);
            ram.set(U16, AVAIL - RAM + SplitRing.AVAIL_FLAGS, (short) data.consumeInt(0, 1));
            // The rest of the input lands in the buffers the descriptors may point at.
            byte[] rest = data.consumeRemainingAsBytes();
            MemorySegment.copy(rest, 0, ram, ValueLayout.JAVA_BYTE, 0x3000, Math.min(rest.length, 0x1000));

            byte[][] before = {ram.toArray(ValueLayout.JAVA_BYTE), rom.toArray(ValueLayout.JAVA_BYTE),
                    top.toArray(ValueLayout.JAVA_BYTE)};
            serve(new QueueSetup(memory, size, DESCRIPTORS, AVAIL, USED, start), features, size);
            assertOnlyWritten(regions, before, memory.writableRanges());
        }
    }

    /** A descriptor whose address points at one of the interesting places, or anywhere. */
    private static void writeDescriptor(FuzzedDataProvider data, MemorySegment table, long at, int nextLimit) {
        long address = switch (data.consumeInt(0, 5)) {
            case 0 -> RAM + 0x3000 + data.consumeInt(0, 0x1000);
            case 1 -> ROM + data.consumeInt(0, ROM_SIZE);
            case 2 -> TOP + data.consumeInt(0, TOP_SIZE);
            case 3 -> INDIRECT_A;
            case 4 -> INDIRECT_B;
            default -> data.consumeLong();
        };
        int length = data.consumeBoolean() ? data.consumeInt(0, 256) : data.consumeInt();
        table.set(U64, at + SplitRing.DESC_ADDR, address);
        table.set(U32, at + SplitRing.DESC_LEN, length);
        table.set(U16, at + SplitRing.DESC_FLAGS, (short) (data.consumeBoolean() ? data.consumeInt(0, 7)
                : data.consumeInt(0, 0xFFFF)));
        table.set(U16, at + SplitRing.DESC_NEXT, (short) (data.consumeBoolean() ? data.consumeInt(0, nextLimit)
                : data.consumeInt(0, 0xFFFF)));
    }

    /** Serves every chain as a device does: reads it all, writes a response, returns it. */
    private static void serve(QueueSetup setup, long features, int size) {
        Virtqueue queue;
        try {
            queue = ENGINE.open(setup, features);
        } catch (VirtqueueException e) {
            return;
        }
        byte[] readable = new byte[64 * 1024];
        byte[] response = new byte[RESPONSE];
        Arrays.fill(response, (byte) 0x5A);
        int usedBefore = usedIndex(setup);
        int returned = 0;
        try {
            queue.disableNotifications();
            // At most size chains are available at once: the device must stop there.
            DescriptorChain chain;
            for (int taken = 0; (chain = queue.next()) != null; taken++) {
                assertTrue(taken < size, "more chains than the queue holds");
                checkChain(chain, size);
                int copied = chain.read(0, readable, 0, (int) Math.min(readable.length, chain.readableLength()));
                assertEquals(Math.min(readable.length, chain.readableLength()), copied);
                int reply = (int) Math.min(RESPONSE, chain.writableLength());
                chain.write(0, response, 0, reply);
                queue.addUsed(chain, reply);
                returned++;
            }
            queue.needsInterrupt();
            queue.enableNotifications();
        } catch (VirtqueueException expected) {
            // A guest error: the transport marks the device as needing a reset.
        }
        // The device's used idx resumes where the avail idx does (the queue's base), as vhost-user and
        // virtio-mmio resumption define it; it is written only when a chain is returned.
        int expected = returned == 0 ? usedBefore : (setup.nextAvailIndex() + returned) & 0xFFFF;
        assertEquals(expected, usedIndex(setup), "used idx counts every returned chain");
    }

    private static int usedIndex(QueueSetup setup) {
        try {
            return setup.memory().segment(USED, 4, false).get(U16, SplitRing.USED_IDX) & 0xFFFF;
        } catch (GuestMemoryException e) {
            throw new AssertionError(e);
        }
    }

    private static void checkChain(DescriptorChain chain, int size) {
        assertTrue(chain.head() >= 0 && chain.head() < size, "head " + chain.head());
        assertTrue(chain.readableCount() + chain.writableCount() <= Math.max(size, INDIRECT_ENTRIES),
                "a chain longer than its table");
        assertTrue(chain.readableLength() >= 0 && chain.writableLength() >= 0);
    }

    /** Every byte that changed lies in one of the {@code written} ranges. */
    private static void assertOnlyWritten(List<MemoryRegion> regions, byte[][] before, List<long[]> written) {
        for (int r = 0; r < regions.size(); r++) {
            MemoryRegion region = regions.get(r);
            byte[] after = region.mapping().toArray(ValueLayout.JAVA_BYTE);
            for (int i = 0; i < after.length; i++) {
                if (after[i] != before[r][i] && !inside(region.guestAddress() + i, written)) {
                    fail(String.format("the device changed guest byte 0x%x, outside the used ring and the chains'"
                            + " writable buffers", region.guestAddress() + i));
                }
            }
        }
    }

    private static boolean inside(long address, List<long[]> ranges) {
        for (long[] range : ranges) {
            long offset = address - range[0];
            if (Long.compareUnsigned(offset, range[1]) < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The guest memory the queue sees, checking each range it hands out against the regions
     * independently of {@link RegionGuestMemory}, and recording the ranges handed out for writing.
     */
    private record CheckedMemory(GuestMemory memory, List<MemoryRegion> regions, List<long[]> writableRanges)
            implements GuestMemory {
        CheckedMemory(GuestMemory memory, List<MemoryRegion> regions) {
            this(memory, regions, new ArrayList<>());
        }

        @Override
        public MemorySegment segment(long address, long length, boolean writable) throws GuestMemoryException {
            MemorySegment segment = memory.segment(address, length, writable);
            boolean inOne = regions.stream().anyMatch(region -> {
                long offset = address - region.guestAddress();
                return Long.compareUnsigned(offset, region.size()) < 0 && length >= 0
                        && length <= region.size() - offset && (!writable || !region.readOnly())
                        || length == 0 && offset == region.size();
            });
            assertTrue(inOne, String.format("range 0x%x+%d (%s) handed out outside the regions", address, length,
                    writable ? "writable" : "read-only"));
            assertEquals(length, segment.byteSize());
            if (writable) {
                writableRanges.add(new long[] {address, length});
            }
            return segment;
        }
    }
}
