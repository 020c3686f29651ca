package org.scmi.virtio.ring.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.memory.GuestMemory;
import org.scmi.virtio.memory.MemoryRegion;
import org.scmi.virtio.memory.RegionGuestMemory;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.SplitRing;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.VirtqueueException;
import org.scmi.virtio.ring.VirtqueueFactory;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;
import org.scmi.virtio.ring.testing.SteadyStateAllocation;

/** The device side of split rings against a driver that writes real rings in guest memory. */
class SplitQueueTest {
    private static final long BASE = 0x4000_0000L;
    private static final long RAM = 1 << 20;
    private static final long HALF = RAM / 2;
    private static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC);
    private static final long EVENT_FEATURES = FEATURES | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);

    private final Arena arena = Arena.ofConfined();
    private final DriverMemory memory = DriverMemory.allocate(arena, BASE, RAM);
    /** The device sees the RAM as two adjacent regions; the upper one read-only. */
    private final GuestMemory deviceMemory = new RegionGuestMemory(List.of(
            new MemoryRegion(BASE, memory.segment().asSlice(0, HALF), false),
            new MemoryRegion(BASE + HALF, memory.segment().asSlice(HALF, HALF), true)));
    private static final VirtqueueFactory ENGINE = new SplitQueueFactory();
    private DescriptorChain chain;

    @AfterEach
    void close() {
        arena.close();
    }

    private DriverSplitQueue driver(int size, boolean eventIdx) {
        return new DriverSplitQueue(memory, size, eventIdx, 512);
    }

    private Virtqueue device(DriverSplitQueue driver, long features) throws VirtqueueException {
        return ENGINE.open(driver.setup(deviceMemory), features);
    }

    private static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    /** Reads the whole readable part, writes {@code response} and returns the chain used. */
    private static byte[] serve(Virtqueue queue, DescriptorChain chain, byte[] response) throws VirtqueueException {
        byte[] request = new byte[(int) chain.readableLength()];
        assertEquals(request.length, chain.read(0, request, 0, request.length));
        chain.write(0, response, 0, response.length);
        queue.addUsed(chain, response.length);
        return request;
    }

    @Test
    void directChainRoundTrip() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES);
        int head = driver.add(List.of(bytes(1, 2, 3), bytes(4, 5)), 4, 8);
        assertTrue(driver.publish());

        assertNotNull(chain = queue.next());
        assertEquals(head, chain.head());
        assertEquals(2, chain.readableCount());
        assertEquals(2, chain.writableCount());
        assertEquals(5, chain.readableLength());
        assertEquals(12, chain.writableLength());
        assertArrayEquals(bytes(1, 2, 3, 4, 5), serve(queue, chain, bytes(9, 8, 7, 6, 5, 4)));
        assertNull(queue.next());

        UsedBuffer used = driver.poll();
        assertEquals(head, used.id());
        assertEquals(6, used.length());
        assertArrayEquals(bytes(9, 8, 7, 6, 5, 4), used.written(), "written across both writable buffers");
        assertEquals(1, queue.nextAvailIndex());
    }

    @Test
    void readAndWriteAtOffsetsSpanBuffers() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1, 2), bytes(3, 4, 5), bytes(6)), 3, 3);
        driver.publish();
        assertNotNull(chain = queue.next());
        byte[] part = new byte[4];
        assertEquals(4, chain.read(1, part, 0, 4));
        assertArrayEquals(bytes(2, 3, 4, 5), part);
        assertEquals(1, chain.read(5, part, 0, 4), "only one byte left");
        assertEquals(0, chain.read(6, part, 0, 4));
        chain.write(2, bytes(7, 7, 7), 0, 3);
        assertThrows(IndexOutOfBoundsException.class, () -> chain.write(4, bytes(1, 2, 3), 0, 3));
        queue.addUsed(chain, 6);
        assertArrayEquals(bytes(0, 0, 7, 7, 7, 0), driver.poll().written());
    }

    @Test
    void indirectChainWhenNegotiated() throws Exception {
        DriverSplitQueue driver = driver(4, false);
        Virtqueue queue = device(driver, FEATURES);
        int head = driver.addIndirect(List.of(bytes(0, 0x40, 0, 0)), 12);
        driver.publish();
        assertNotNull(chain = queue.next());
        assertEquals(head, chain.head());
        assertEquals(4, chain.readableLength());
        assertEquals(12, chain.writableLength());
        serve(queue, chain, bytes(0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0));
        UsedBuffer used = driver.poll();
        assertEquals(12, used.length());
        assertArrayEquals(bytes(0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0), used.written());
    }

    @Test
    void manyChainsInFlightComeBackInAnyOrder() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES);
        int[] heads = new int[4];
        for (int i = 0; i < 4; i++) {
            heads[i] = driver.add(List.of(bytes(i)), 1);
        }
        driver.publish();
        DescriptorChain[] taken = new DescriptorChain[4];
        for (int i = 0; i < 4; i++) {
            assertNotNull(taken[i] = queue.next());
            assertEquals(heads[i], taken[i].head());
        }
        for (int i = 0; i < 4; i++) {
            byte[] request = new byte[1];
            taken[i].read(0, request, 0, 1);
            assertArrayEquals(bytes(i), request, "each chain in flight keeps its own buffers");
        }
        queue.addUsed(taken[2], 0);
        queue.addUsed(taken[0], 0);
        assertEquals(heads[2], driver.poll().id());
        assertEquals(heads[0], driver.poll().id());
        assertNull(driver.poll());
    }

    // ---------------------------------------------------------------- malformed chains

    private VirtqueueException rejected(DriverSplitQueue driver, long features) throws VirtqueueException {
        Virtqueue queue = device(driver, features);
        return assertThrows(VirtqueueException.class, queue::next);
    }

    private static void assertReason(String expected, VirtqueueException e) {
        assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' should say '" + expected + "'");
    }

    /** A raw single-descriptor chain at head 0. */
    private DriverSplitQueue rawChain(long address, int length, int flags, int next) {
        DriverSplitQueue driver = driver(8, false);
        driver.writeDescriptor(driver.descriptorTableAddress(), 0, address, length, flags, next);
        driver.offer(0);
        driver.publish();
        return driver;
    }

    @Test
    void bufferOutsideTheGuestMemory() throws Exception {
        assertReason("outside the guest's memory", rejected(rawChain(BASE + RAM + 4096, 8, 0, 0), FEATURES));
        assertReason("outside the guest's memory", rejected(rawChain(0x1000, 8, 0, 0), FEATURES));
        assertReason("outside the guest's memory", rejected(rawChain(-8L, 16, 0, 0), FEATURES));
    }

    @Test
    void bufferStraddlingARegionEnd() throws Exception {
        // Both regions are guest memory, but no mapping holds the whole buffer.
        assertReason("outside the guest's memory", rejected(rawChain(BASE + HALF - 4, 8, 0, 0), FEATURES));
        assertReason("outside the guest's memory", rejected(rawChain(BASE + RAM - 4, 8, 0, 0), FEATURES));
    }

    @Test
    void writableBufferInReadOnlyMemory() throws Exception {
        assertReason("read-only", rejected(rawChain(BASE + HALF, 8, SplitRing.DESC_F_WRITE, 0), FEATURES));
    }

    @Test
    void headOutsideTheQueue() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        driver.offer(8);
        driver.publish();
        assertReason("head descriptor 8", rejected(driver, FEATURES));
    }

    @Test
    void nextOutsideTheQueue() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        long buffer = driver.bufferSlotAddress(0);
        driver.writeDescriptor(driver.descriptorTableAddress(), 0, buffer, 4, SplitRing.DESC_F_NEXT, 9);
        driver.offer(0);
        driver.publish();
        assertReason("links to 9", rejected(driver, FEATURES));
    }

    @Test
    void loopingChain() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        long buffer = driver.bufferSlotAddress(0);
        long table = driver.descriptorTableAddress();
        driver.writeDescriptor(table, 0, buffer, 4, SplitRing.DESC_F_NEXT, 1);
        driver.writeDescriptor(table, 1, buffer, 4, SplitRing.DESC_F_NEXT, 0);
        driver.offer(0);
        driver.publish();
        assertReason("longer than the queue", rejected(driver, FEATURES));
    }

    @Test
    void chainOfExactlyTheQueueSizeIsFine() throws Exception {
        DriverSplitQueue driver = driver(4, false);
        Virtqueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1), bytes(2)), 1, 1);
        driver.publish();
        assertNotNull(chain = queue.next());
        assertEquals(2, chain.readableCount());
        assertEquals(2, chain.writableCount());
    }

    @Test
    void readableAfterWritable() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        long buffer = driver.bufferSlotAddress(0);
        long table = driver.descriptorTableAddress();
        driver.writeDescriptor(table, 0, buffer, 4, SplitRing.DESC_F_WRITE | SplitRing.DESC_F_NEXT, 1);
        driver.writeDescriptor(table, 1, buffer + 8, 4, 0, 0);
        driver.offer(0);
        driver.publish();
        assertReason("readable descriptor after a device-writable", rejected(driver, FEATURES));
    }

    @Test
    void availIndexJumpingPastTheQueueSize() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES);
        driver.setAvailIndex(9);
        assertReason("9 entries ahead", assertThrows(VirtqueueException.class, queue::next));
        assertReason("9 entries ahead", assertThrows(VirtqueueException.class, queue::enableNotifications));
    }

    @Test
    void availIndexMovingBackwards() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1)), 1);
        driver.publish();
        assertNotNull(chain = queue.next());
        driver.setAvailIndex(0); // 65535 entries "ahead"
        assertThrows(VirtqueueException.class, queue::next);
    }

    @Test
    void indirectWithoutTheFeature() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        driver.addIndirect(List.of(bytes(1)), 1);
        driver.publish();
        assertReason("INDIRECT_DESC was not negotiated",
                rejected(driver, VirtioFeatures.bit(VirtioFeatures.VERSION_1)));
    }

    /** A raw chain whose head points to the indirect table of head 0, holding {@code entries}. */
    private DriverSplitQueue indirect(int tableLength, int headFlags, int[][] entries) {
        DriverSplitQueue driver = driver(8, false);
        long table = driver.indirectTableAddress(0);
        long buffer = driver.bufferSlotAddress(0);
        for (int i = 0; i < entries.length; i++) {
            driver.writeDescriptor(table, i, buffer + 16L * i, 8, entries[i][0], entries[i][1]);
        }
        driver.writeDescriptor(driver.descriptorTableAddress(), 0, table, tableLength,
                SplitRing.DESC_F_INDIRECT | headFlags, 1);
        driver.offer(0);
        driver.publish();
        return driver;
    }

    @Test
    void indirectTableWithBadLength() throws Exception {
        int[][] one = {{0, 0}};
        assertReason("has length 0", rejected(indirect(0, 0, one), FEATURES));
        assertReason("has length 17", rejected(indirect(17, 0, one), FEATURES));
        assertReason("more than the queue size", rejected(indirect(16 * 9, 0, one), FEATURES));
    }

    @Test
    void indirectTableOutsideTheGuestMemory() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        driver.writeDescriptor(driver.descriptorTableAddress(), 0, BASE + HALF - 16, 32, SplitRing.DESC_F_INDIRECT, 0);
        driver.offer(0);
        driver.publish();
        assertReason("indirect table of descriptor 0", rejected(driver, FEATURES));
    }

    @Test
    void nestedIndirect() throws Exception {
        assertReason("holds an indirect descriptor",
                rejected(indirect(32, 0, new int[][] {{SplitRing.DESC_F_NEXT, 1}, {SplitRing.DESC_F_INDIRECT, 0}}),
                        FEATURES));
    }

    @Test
    void indirectWithNext() throws Exception {
        assertReason("both INDIRECT and NEXT", rejected(indirect(16, SplitRing.DESC_F_NEXT, new int[][] {{0, 0}}),
                FEATURES));
    }

    @Test
    void indirectLinkOutsideItsTable() throws Exception {
        assertReason("outside its table of 2",
                rejected(indirect(32, 0, new int[][] {{SplitRing.DESC_F_NEXT, 2}, {0, 0}}), FEATURES));
    }

    @Test
    void indirectLoop() throws Exception {
        assertReason("loops", rejected(indirect(32, 0,
                new int[][] {{SplitRing.DESC_F_NEXT, 1}, {SplitRing.DESC_F_NEXT, 0}}), FEATURES));
    }

    @Test
    void indirectReadableAfterWritable() throws Exception {
        assertReason("readable descriptor after a device-writable", rejected(indirect(32, 0,
                new int[][] {{SplitRing.DESC_F_WRITE | SplitRing.DESC_F_NEXT, 1}, {0, 0}}), FEATURES));
    }

    @Test
    void indirectBufferOutsideTheGuestMemory() throws Exception {
        DriverSplitQueue driver = indirect(16, 0, new int[][] {{0, 0}});
        driver.writeDescriptor(driver.indirectTableAddress(0), 0, BASE + RAM, 8, 0, 0);
        assertReason("buffer of indirect descriptor 0", rejected(driver, FEATURES));
    }

    @Test
    void badQueueSetups() {
        DriverSplitQueue driver = driver(8, false);
        QueueSetup good = driver.setup(deviceMemory);
        assertReason("not a power of two", assertThrows(VirtqueueException.class, () -> ENGINE.open(
                new QueueSetup(deviceMemory, 6, good.descriptorTable(), good.driverArea(), good.deviceArea(), 0),
                FEATURES)));
        assertReason("not 16-byte aligned", assertThrows(VirtqueueException.class, () -> ENGINE.open(
                new QueueSetup(deviceMemory, 8, good.descriptorTable() + 8, good.driverArea(), good.deviceArea(), 0),
                FEATURES)));
        assertReason("used ring", assertThrows(VirtqueueException.class, () -> ENGINE.open(
                new QueueSetup(deviceMemory, 8, good.descriptorTable(), good.driverArea(), BASE + HALF, 0),
                FEATURES)));
        assertReason("available ring", assertThrows(VirtqueueException.class, () -> ENGINE.open(
                new QueueSetup(deviceMemory, 8, good.descriptorTable(), BASE + RAM - 8, good.deviceArea(), 0),
                FEATURES)));
    }

    // ---------------------------------------------------------------- suppression

    @Test
    void noNotifyFlagWhileDraining() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES);
        queue.disableNotifications();
        assertEquals(SplitRing.USED_F_NO_NOTIFY, driver.usedFlags());
        driver.add(List.of(bytes(1)), 1);
        assertFalse(driver.publish(), "the device said no kick");
        assertTrue(queue.enableNotifications(), "the chain added meanwhile must be seen");
        assertEquals(0, driver.usedFlags());
        assertNotNull(chain = queue.next());
        assertFalse(queue.enableNotifications());
        driver.add(List.of(bytes(2)), 1);
        assertTrue(driver.publish());
    }

    @Test
    void noInterruptFlag() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1)), 1);
        driver.add(List.of(bytes(2)), 1);
        driver.publish();
        assertFalse(queue.needsInterrupt(), "nothing used yet");
        assertNotNull(chain = queue.next());
        queue.addUsed(chain, 0);
        assertTrue(queue.needsInterrupt());
        assertFalse(queue.needsInterrupt(), "nothing new since");
        driver.disableInterrupts();
        assertNotNull(chain = queue.next());
        queue.addUsed(chain, 0);
        assertFalse(queue.needsInterrupt());
    }

    @Test
    void notifyOnEmptyOverridesNoInterrupt() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES | VirtioFeatures.bit(VirtioFeatures.NOTIFY_ON_EMPTY));
        driver.disableInterrupts();
        driver.add(List.of(bytes(1)), 1);
        driver.add(List.of(bytes(2)), 1);
        driver.publish();
        assertNotNull(chain = queue.next());
        queue.addUsed(chain, 0);
        assertFalse(queue.needsInterrupt(), "one chain still available");
        assertNotNull(chain = queue.next());
        queue.addUsed(chain, 0);
        assertTrue(queue.needsInterrupt(), "the ring ran empty");
    }

    @Test
    void availEventKeptCurrent() throws Exception {
        DriverSplitQueue driver = driver(8, true);
        Virtqueue queue = device(driver, EVENT_FEATURES);
        driver.add(List.of(bytes(1)), 1);
        assertTrue(driver.publish());
        assertNotNull(chain = queue.next());
        assertEquals(1, driver.availEvent(), "waiting for entry 1 now");
        driver.add(List.of(bytes(2)), 1);
        assertTrue(driver.publish(), "the guest kicks again");

        queue.disableNotifications();
        assertNotNull(chain = queue.next());
        assertEquals(1, driver.availEvent(), "not moved while draining");
        driver.add(List.of(bytes(3)), 1);
        assertFalse(driver.publish(), "no kick while the device drains");
        assertTrue(queue.enableNotifications());
        assertEquals(2, driver.availEvent());
        assertNotNull(chain = queue.next());
        assertFalse(queue.enableNotifications());
        assertEquals(3, driver.availEvent());
        driver.add(List.of(bytes(4)), 1);
        assertTrue(driver.publish());
    }

    @Test
    void usedEventSuppressesInterruptsUntilCrossed() throws Exception {
        DriverSplitQueue driver = driver(16, true);
        Virtqueue queue = device(driver, EVENT_FEATURES);
        for (int i = 0; i < 8; i++) {
            driver.add(List.of(bytes(i)), 1);
        }
        driver.publish();
        driver.interruptAfter(7); // one interrupt when the 8th chain is used
        int interrupts = 0;
        for (int i = 0; i < 8; i++) {
            assertNotNull(chain = queue.next());
            queue.addUsed(chain, 0);
            if (queue.needsInterrupt()) {
                interrupts++;
                assertEquals(7, i, "only for the last one");
            }
        }
        assertEquals(1, interrupts);

        // Batched: several used entries crossing used_event at once still give one interrupt.
        for (int i = 0; i < 8; i++) {
            driver.poll();
        }
        assertFalse(driver.enableInterrupts());
        for (int i = 0; i < 3; i++) {
            driver.add(List.of(bytes(i)), 1);
        }
        driver.publish();
        for (int i = 0; i < 3; i++) {
            assertNotNull(chain = queue.next());
            queue.addUsed(chain, 0);
        }
        assertTrue(queue.needsInterrupt());
        driver.disableInterrupts();
        driver.add(List.of(bytes(9)), 1);
        driver.publish();
        assertNotNull(chain = queue.next());
        queue.addUsed(chain, 0);
        assertFalse(queue.needsInterrupt());
    }

    @Test
    void sixteenBitIndicesWrap() throws Exception {
        DriverSplitQueue driver = driver(4, true);
        driver.startAt(65533);
        Virtqueue queue = device(driver, EVENT_FEATURES);
        assertEquals(65533, queue.nextAvailIndex());
        int interrupts = 0;
        for (int round = 0; round < 10; round++) {
            driver.add(List.of(bytes(round, 1)), 2);
            driver.add(List.of(bytes(round, 2)), 2);
            driver.publish();
            for (int i = 1; i <= 2; i++) {
                assertNotNull(chain = queue.next());
                byte[] request = serve(queue, chain, bytes(i, round));
                assertArrayEquals(bytes(round, i), request);
            }
            if (queue.needsInterrupt()) {
                interrupts++;
            }
            assertArrayEquals(bytes(1, round), driver.poll().written());
            assertArrayEquals(bytes(2, round), driver.poll().written());
        }
        assertEquals(10, interrupts, "used_event followed across the wrap");
        assertEquals((65533 + 20) & 0xFFFF, queue.nextAvailIndex());
        assertEquals((65533 + 20) & 0xFFFF, driver.deviceUsedIndex());
        assertEquals((65533 + 20) & 0xFFFF, driver.availEvent());
    }

    // ---------------------------------------------------------------- the chain and guest memory

    /** Guest memory that counts lookups and records each chain completion with the used idx then. */
    private final class WatchedMemory implements GuestMemory {
        int segments;
        int resolves;
        final List<String> completions = new java.util.ArrayList<>();
        DriverSplitQueue driver;

        @Override
        public java.lang.foreign.MemorySegment segment(long address, long length, boolean writable)
                throws org.scmi.virtio.memory.GuestMemoryException {
            segments++;
            return deviceMemory.segment(address, length, writable);
        }

        @Override
        public void resolve(long address, long length, boolean writable, org.scmi.virtio.memory.MappedRange range)
                throws org.scmi.virtio.memory.GuestMemoryException {
            resolves++;
            deviceMemory.resolve(address, length, writable, range);
        }

        @Override
        public void chainComplete(org.scmi.virtio.memory.MappedRange[] ranges, int count) {
            StringBuilder lengths = new StringBuilder();
            for (int i = 0; i < count; i++) {
                lengths.append(ranges[i].length()).append(' ');
            }
            completions.add("used idx " + driver.deviceUsedIndex() + ", ranges " + lengths.toString().trim());
        }
    }

    @Test
    void chainCompleteComesBeforeTheUsedEntryIsPublished() throws Exception {
        WatchedMemory watched = new WatchedMemory();
        DriverSplitQueue driver = driver(8, false);
        watched.driver = driver;
        Virtqueue queue = ENGINE.open(driver.setup(watched), FEATURES);
        driver.add(List.of(bytes(1, 2, 3)), 6);
        driver.addIndirect(List.of(bytes(4)), 2);
        driver.publish();
        serve(queue, assertNotNull(queue.next()), bytes(9));
        assertEquals(List.of("used idx 0, ranges 3 6"), watched.completions,
                "completed with its buffers while the used idx still said 0");
        assertEquals(1, driver.deviceUsedIndex());
        serve(queue, assertNotNull(queue.next()), bytes(8));
        assertEquals("used idx 1, ranges 1 2 32", watched.completions.get(1),
                "an indirect chain's table is completed with its buffers");
        assertEquals(2, driver.deviceUsedIndex());
    }

    private static DescriptorChain assertNotNull(DescriptorChain chain) {
        org.junit.jupiter.api.Assertions.assertNotNull(chain, "a chain is available");
        return chain;
    }

    @Test
    void eachBufferIsLookedUpOncePerChain() throws Exception {
        WatchedMemory watched = new WatchedMemory();
        DriverSplitQueue driver = driver(8, false);
        watched.driver = driver;
        Virtqueue queue = ENGINE.open(driver.setup(watched), FEATURES);
        assertEquals(3, watched.segments, "the three rings, once, when the queue opens");
        for (int round = 0; round < 3; round++) {
            driver.add(List.of(bytes(1, 2), bytes(3)), 4, 4);
            driver.publish();
            DescriptorChain taken = assertNotNull(queue.next());
            byte[] request = new byte[3];
            taken.read(0, request, 0, 3);
            taken.write(0, bytes(7, 7, 7, 7, 7), 0, 5);
            queue.addUsed(taken, 5);
            assertTrue(queue.needsInterrupt());
            queue.disableNotifications();
            assertFalse(queue.enableNotifications());
            driver.poll();
        }
        assertEquals(3, watched.segments, "no ring looked up again");
        assertEquals(3 * 4, watched.resolves, "each of the four buffers once per chain");
    }

    @Test
    void aReturnedChainCannotBeUsed() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1)), 4);
        driver.publish();
        DescriptorChain taken = assertNotNull(queue.next());
        assertThrows(IllegalArgumentException.class, () -> queue.addUsed(taken, 5), "more than its writable bytes");
        queue.addUsed(taken, 4);
        assertThrows(IllegalStateException.class, () -> taken.write(0, bytes(1), 0, 1));
        assertThrows(IllegalStateException.class, () -> taken.segment(0));
        assertThrows(IllegalArgumentException.class, () -> queue.addUsed(taken, 0), "returned twice");
        assertEquals(1, driver.deviceUsedIndex());
    }

    @Test
    void buffersInPlace() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        Virtqueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1, 2, 3, 4)), 8);
        driver.publish();
        DescriptorChain taken = assertNotNull(queue.next());
        assertEquals(4, taken.length(0));
        assertEquals(0x04030201, taken.segment(0).get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED
                .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), taken.offset(0)));
        taken.segment(1).set(java.lang.foreign.ValueLayout.JAVA_BYTE, taken.offset(1) + 7, (byte) 5);
        assertThrows(IndexOutOfBoundsException.class, () -> taken.segment(2));
        queue.addUsed(taken, 8);
        assertArrayEquals(bytes(0, 0, 0, 0, 0, 0, 0, 5), driver.poll().written());
    }

    @Test
    void servingChainsAllocatesNothing() throws Exception {
        DriverSplitQueue driver = driver(8, true);
        Virtqueue queue = device(driver, EVENT_FEATURES);
        byte[] request = new byte[4];
        byte[] response = bytes(1, 2, 3, 4, 5, 6, 7, 8);
        int head = driver.add(List.of(bytes(1, 2, 3, 4)), 8);
        driver.publish();
        long allocated = SteadyStateAllocation.of(() -> {
            queue.disableNotifications();
            DescriptorChain taken = queue.next();
            taken.read(0, request, 0, request.length);
            taken.write(0, response, 0, response.length);
            queue.addUsed(taken, response.length);
            queue.needsInterrupt();
            queue.enableNotifications();
            driver.offer(head); // the same chain again, as raw ring writes: the driver side allocates nothing either
            driver.publish();
        });
        assertTrue(allocated < SteadyStateAllocation.MEASURED, allocated + " bytes allocated for "
                + SteadyStateAllocation.MEASURED + " chains");
    }

    @Test
    void anotherEngineTakesOverWhereTheFirstStopped() throws Exception {
        DriverSplitQueue driver = driver(8, true);
        driver.startAt(65534);
        QueueSetup setup = driver.setup(deviceMemory);
        Virtqueue first = ENGINE.open(setup, EVENT_FEATURES);
        driver.add(List.of(bytes(1)), 1);
        driver.add(List.of(bytes(2)), 1);
        driver.publish();
        driver.interruptAfter(65535); // when the used idx moves past 65535: after the second chain
        first.disableNotifications();
        serve(first, assertNotNull(first.next()), bytes(10));
        assertFalse(first.needsInterrupt(), "the driver wants one after the second");
        DescriptorChain held = assertNotNull(first.next());
        assertThrows(IllegalStateException.class, first::position, "not between chains");
        serve(first, held, bytes(20));
        assertFalse(first.enableNotifications());
        org.scmi.virtio.ring.RingPosition position = first.position();
        assertEquals(new org.scmi.virtio.ring.RingPosition(0, 0, 65535, true), position);

        Virtqueue second = new SplitQueueFactory().open(setup, EVENT_FEATURES, position);
        assertTrue(second.needsInterrupt(), "the interrupt the first engine had not yet decided");
        assertNull(second.next(), "nothing taken twice");
        driver.add(List.of(bytes(3)), 1);
        assertTrue(driver.publish(), "the driver still kicks: avail_event was kept");
        serve(second, assertNotNull(second.next()), bytes(30));
        assertArrayEquals(bytes(10), driver.poll().written());
        assertArrayEquals(bytes(20), driver.poll().written());
        assertArrayEquals(bytes(30), driver.poll().written());
        assertNull(driver.poll(), "each answered once");
        assertEquals(1, driver.deviceUsedIndex());
        assertEquals(1, driver.availEvent(), "the second engine keeps avail_event current");
    }
}
