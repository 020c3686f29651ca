package org.scmi.virtio.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

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
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        arena.close();
    }

    private DriverSplitQueue driver(int size, boolean eventIdx) {
        return new DriverSplitQueue(memory, size, eventIdx, 512);
    }

    private SplitQueue device(DriverSplitQueue driver, long features) throws VirtqueueException {
        return new SplitQueue(driver.setup(deviceMemory), features);
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
        queue.addUsed(chain.head(), response.length);
        return request;
    }

    @Test
    void directChainRoundTrip() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        SplitQueue queue = device(driver, FEATURES);
        int head = driver.add(List.of(bytes(1, 2, 3), bytes(4, 5)), 4, 8);
        assertTrue(driver.publish());

        assertTrue(queue.next(chain));
        assertEquals(head, chain.head());
        assertEquals(2, chain.readableCount());
        assertEquals(2, chain.writableCount());
        assertEquals(5, chain.readableLength());
        assertEquals(12, chain.writableLength());
        assertArrayEquals(bytes(1, 2, 3, 4, 5), serve(queue, chain, bytes(9, 8, 7, 6, 5, 4)));
        assertFalse(queue.next(chain));

        UsedBuffer used = driver.poll();
        assertEquals(head, used.id());
        assertEquals(6, used.length());
        assertArrayEquals(bytes(9, 8, 7, 6, 5, 4), used.written(), "written across both writable buffers");
        assertEquals(1, queue.nextAvailIndex());
    }

    @Test
    void readAndWriteAtOffsetsSpanBuffers() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        SplitQueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1, 2), bytes(3, 4, 5), bytes(6)), 3, 3);
        driver.publish();
        assertTrue(queue.next(chain));
        byte[] part = new byte[4];
        assertEquals(4, chain.read(1, part, 0, 4));
        assertArrayEquals(bytes(2, 3, 4, 5), part);
        assertEquals(1, chain.read(5, part, 0, 4), "only one byte left");
        assertEquals(0, chain.read(6, part, 0, 4));
        chain.write(2, bytes(7, 7, 7), 0, 3);
        assertThrows(IndexOutOfBoundsException.class, () -> chain.write(4, bytes(1, 2, 3), 0, 3));
        queue.addUsed(chain.head(), 6);
        assertArrayEquals(bytes(0, 0, 7, 7, 7, 0), driver.poll().written());
    }

    @Test
    void indirectChainWhenNegotiated() throws Exception {
        DriverSplitQueue driver = driver(4, false);
        SplitQueue queue = device(driver, FEATURES);
        int head = driver.addIndirect(List.of(bytes(0, 0x40, 0, 0)), 12);
        driver.publish();
        assertTrue(queue.next(chain));
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
        SplitQueue queue = device(driver, FEATURES);
        int[] heads = new int[4];
        for (int i = 0; i < 4; i++) {
            heads[i] = driver.add(List.of(bytes(i)), 1);
        }
        driver.publish();
        int[] taken = new int[4];
        for (int i = 0; i < 4; i++) {
            assertTrue(queue.next(chain));
            taken[i] = chain.head();
        }
        assertArrayEquals(heads, taken);
        queue.addUsed(taken[2], 0);
        queue.addUsed(taken[0], 0);
        assertEquals(heads[2], driver.poll().id());
        assertEquals(heads[0], driver.poll().id());
        assertNull(driver.poll());
    }

    // ---------------------------------------------------------------- malformed chains

    private VirtqueueException rejected(DriverSplitQueue driver, long features) throws VirtqueueException {
        SplitQueue queue = device(driver, features);
        return assertThrows(VirtqueueException.class, () -> queue.next(chain));
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
        SplitQueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1), bytes(2)), 1, 1);
        driver.publish();
        assertTrue(queue.next(chain));
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
        SplitQueue queue = device(driver, FEATURES);
        driver.setAvailIndex(9);
        assertReason("9 entries ahead", assertThrows(VirtqueueException.class, () -> queue.next(chain)));
        assertReason("9 entries ahead", assertThrows(VirtqueueException.class, queue::enableNotifications));
    }

    @Test
    void availIndexMovingBackwards() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        SplitQueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1)), 1);
        driver.publish();
        assertTrue(queue.next(chain));
        driver.setAvailIndex(0); // 65535 entries "ahead"
        assertThrows(VirtqueueException.class, () -> queue.next(chain));
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
        assertReason("not a power of two", assertThrows(VirtqueueException.class, () -> new SplitQueue(
                new QueueSetup(deviceMemory, 6, good.descriptorTable(), good.driverArea(), good.deviceArea(), 0),
                FEATURES)));
        assertReason("not 16-byte aligned", assertThrows(VirtqueueException.class, () -> new SplitQueue(
                new QueueSetup(deviceMemory, 8, good.descriptorTable() + 8, good.driverArea(), good.deviceArea(), 0),
                FEATURES)));
        assertReason("used ring", assertThrows(VirtqueueException.class, () -> new SplitQueue(
                new QueueSetup(deviceMemory, 8, good.descriptorTable(), good.driverArea(), BASE + HALF, 0),
                FEATURES)));
        assertReason("available ring", assertThrows(VirtqueueException.class, () -> new SplitQueue(
                new QueueSetup(deviceMemory, 8, good.descriptorTable(), BASE + RAM - 8, good.deviceArea(), 0),
                FEATURES)));
    }

    // ---------------------------------------------------------------- suppression

    @Test
    void noNotifyFlagWhileDraining() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        SplitQueue queue = device(driver, FEATURES);
        queue.disableNotifications();
        assertEquals(SplitRing.USED_F_NO_NOTIFY, driver.usedFlags());
        driver.add(List.of(bytes(1)), 1);
        assertFalse(driver.publish(), "the device said no kick");
        assertTrue(queue.enableNotifications(), "the chain added meanwhile must be seen");
        assertEquals(0, driver.usedFlags());
        assertTrue(queue.next(chain));
        assertFalse(queue.enableNotifications());
        driver.add(List.of(bytes(2)), 1);
        assertTrue(driver.publish());
    }

    @Test
    void noInterruptFlag() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        SplitQueue queue = device(driver, FEATURES);
        driver.add(List.of(bytes(1)), 1);
        driver.add(List.of(bytes(2)), 1);
        driver.publish();
        assertFalse(queue.needsInterrupt(), "nothing used yet");
        assertTrue(queue.next(chain));
        queue.addUsed(chain.head(), 0);
        assertTrue(queue.needsInterrupt());
        assertFalse(queue.needsInterrupt(), "nothing new since");
        driver.disableInterrupts();
        assertTrue(queue.next(chain));
        queue.addUsed(chain.head(), 0);
        assertFalse(queue.needsInterrupt());
    }

    @Test
    void notifyOnEmptyOverridesNoInterrupt() throws Exception {
        DriverSplitQueue driver = driver(8, false);
        SplitQueue queue = device(driver, FEATURES | VirtioFeatures.bit(VirtioFeatures.NOTIFY_ON_EMPTY));
        driver.disableInterrupts();
        driver.add(List.of(bytes(1)), 1);
        driver.add(List.of(bytes(2)), 1);
        driver.publish();
        assertTrue(queue.next(chain));
        queue.addUsed(chain.head(), 0);
        assertFalse(queue.needsInterrupt(), "one chain still available");
        assertTrue(queue.next(chain));
        queue.addUsed(chain.head(), 0);
        assertTrue(queue.needsInterrupt(), "the ring ran empty");
    }

    @Test
    void availEventKeptCurrent() throws Exception {
        DriverSplitQueue driver = driver(8, true);
        SplitQueue queue = device(driver, EVENT_FEATURES);
        driver.add(List.of(bytes(1)), 1);
        assertTrue(driver.publish());
        assertTrue(queue.next(chain));
        assertEquals(1, driver.availEvent(), "waiting for entry 1 now");
        driver.add(List.of(bytes(2)), 1);
        assertTrue(driver.publish(), "the guest kicks again");

        queue.disableNotifications();
        assertTrue(queue.next(chain));
        assertEquals(1, driver.availEvent(), "not moved while draining");
        driver.add(List.of(bytes(3)), 1);
        assertFalse(driver.publish(), "no kick while the device drains");
        assertTrue(queue.enableNotifications());
        assertEquals(2, driver.availEvent());
        assertTrue(queue.next(chain));
        assertFalse(queue.enableNotifications());
        assertEquals(3, driver.availEvent());
        driver.add(List.of(bytes(4)), 1);
        assertTrue(driver.publish());
    }

    @Test
    void usedEventSuppressesInterruptsUntilCrossed() throws Exception {
        DriverSplitQueue driver = driver(16, true);
        SplitQueue queue = device(driver, EVENT_FEATURES);
        for (int i = 0; i < 8; i++) {
            driver.add(List.of(bytes(i)), 1);
        }
        driver.publish();
        driver.interruptAfter(7); // one interrupt when the 8th chain is used
        int interrupts = 0;
        for (int i = 0; i < 8; i++) {
            assertTrue(queue.next(chain));
            queue.addUsed(chain.head(), 0);
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
            assertTrue(queue.next(chain));
            queue.addUsed(chain.head(), 0);
        }
        assertTrue(queue.needsInterrupt());
        driver.disableInterrupts();
        driver.add(List.of(bytes(9)), 1);
        driver.publish();
        assertTrue(queue.next(chain));
        queue.addUsed(chain.head(), 0);
        assertFalse(queue.needsInterrupt());
    }

    @Test
    void sixteenBitIndicesWrap() throws Exception {
        DriverSplitQueue driver = driver(4, true);
        driver.startAt(65533);
        SplitQueue queue = device(driver, EVENT_FEATURES);
        assertEquals(65533, queue.nextAvailIndex());
        int interrupts = 0;
        for (int round = 0; round < 10; round++) {
            driver.add(List.of(bytes(round, 1)), 2);
            driver.add(List.of(bytes(round, 2)), 2);
            driver.publish();
            for (int i = 1; i <= 2; i++) {
                assertTrue(queue.next(chain));
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
}
