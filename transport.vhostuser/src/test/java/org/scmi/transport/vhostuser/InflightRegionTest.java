package org.scmi.transport.vhostuser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.linux.Linux;
import org.scmi.transport.vhostuser.VhostUserCodec.InflightDescription;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.InflightLog;
import org.scmi.virtio.ring.SplitQueue;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * Inflight tracking across a device's death: a device takes chains and answers some, then a new
 * device over the same rings and the same region (mapped again from its fd, as a new process maps
 * it) answers exactly the rest, in the order the first one took them.
 */
class InflightRegionTest {
    private static final int SIZE = 8;
    private static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1);

    private Arena arena;
    private DriverMemory memory;
    private DriverSplitQueue driver;
    private int regionFd;
    private final List<InflightRegion> mapped = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        arena = Arena.ofConfined();
        memory = DriverMemory.allocate(arena, 0x4000_0000L, 1 << 20);
        driver = new DriverSplitQueue(memory, SIZE, false, 64);
        regionFd = InflightRegion.allocate(2, SIZE);
    }

    @AfterEach
    void tearDown() {
        mapped.forEach(InflightRegion::close);
        Linux.close(regionFd);
        arena.close();
    }

    /** Another fd of the region's memfd, as a new back-end process receives it. */
    private int reopen() throws Exception {
        return Linux.open("/proc/self/fd/" + regionFd, Linux.O_RDWR | Linux.O_CLOEXEC);
    }

    /** The region as a (new) back-end process maps it from the front-end's fd. */
    private InflightRegion.QueueLog log(int queue) throws Exception {
        InflightRegion region = InflightRegion.map(reopen(),
                new InflightDescription(InflightRegion.size(2, SIZE), 0, 2, SIZE), 2, SIZE);
        mapped.add(region);
        return region.queue(queue);
    }

    /** A device starting on the ring as QEMU restarts it after a crash: at the used idx. */
    private SplitQueue device(InflightLog log) throws Exception {
        QueueSetup setup = driver.setup();
        return new SplitQueue(new QueueSetup(setup.memory(), SIZE, setup.descriptorTable(), setup.driverArea(),
                setup.deviceArea(), driver.deviceUsedIndex(), log), FEATURES);
    }

    private int submit(int tag) {
        int head = driver.add(List.of(new byte[] {(byte) tag}), 4);
        driver.publish();
        return head;
    }

    private static int take(SplitQueue queue, DescriptorChain chain) throws Exception {
        assertTrue(queue.next(chain));
        return chain.head();
    }

    private static void answer(SplitQueue queue, int head) throws Exception {
        queue.addUsed(head, 0);
    }

    private List<Integer> polledIds() {
        List<Integer> ids = new ArrayList<>();
        for (UsedBuffer used; (used = driver.poll()) != null;) {
            ids.add(used.id());
        }
        return ids;
    }

    @Test
    void aNewDeviceAnswersWhatTheDeadOneTookAndNeverAnsweredInTakingOrderThenTheRest() throws Exception {
        DescriptorChain chain = new DescriptorChain();
        int a = submit(1);
        int b = submit(2);
        int c = submit(3);
        SplitQueue first = device(log(0));
        assertEquals(0, first.resubmitted());
        take(first, chain);
        take(first, chain);
        take(first, chain);
        answer(first, a);
        assertEquals(List.of(a), polledIds());
        int d = submit(4); // reuses a's descriptors: a lower head than b's, taken after it
        assertTrue(d < b, "head " + d);
        assertEquals(d, take(first, chain));
        int e = submit(5); // posted, never taken
        // The first device dies here: b, c and d taken, e waiting.

        SplitQueue second = device(log(0));
        assertEquals(3, second.resubmitted());
        List<Integer> served = new ArrayList<>();
        while (second.next(chain)) {
            served.add(chain.head());
            second.addUsed(chain.head(), 0);
        }
        assertEquals(List.of(b, c, d, e), served);
        assertEquals(List.of(b, c, d, e), polledIds());
        assertEquals(second.nextAvailIndex(), driver.availIndex());

        // A third device finds nothing in flight.
        SplitQueue third = device(log(0));
        assertEquals(0, third.resubmitted());
        assertFalse(third.next(chain));
    }

    @Test
    void anAnswerPublishedJustBeforeTheCrashIsNotAnsweredAgain() throws Exception {
        DescriptorChain chain = new DescriptorChain();
        int a = submit(1);
        int b = submit(2);
        InflightRegion.QueueLog log = log(0);
        // Dies between publishing the used idx and recording it.
        InflightLog crashing = new InflightLog() {
            @Override
            public int[] recover(int usedIndex) {
                return log.recover(usedIndex);
            }

            @Override
            public void taken(int head) {
                log.taken(head);
            }

            @Override
            public void putBack(int head) {
                log.putBack(head);
            }

            @Override
            public void returning(int head) {
                log.returning(head);
            }

            @Override
            public void returned(int usedIndex) {
            }
        };
        SplitQueue first = device(crashing);
        take(first, chain);
        take(first, chain);
        answer(first, a);

        SplitQueue second = device(log(0));
        assertEquals(1, second.resubmitted());
        assertEquals(b, take(second, chain));
        second.addUsed(b, 0);
        assertFalse(second.next(chain));
        assertEquals(List.of(a, b), polledIds());
    }

    @Test
    void aChainPutBackIsNotInFlight() throws Exception {
        DescriptorChain chain = new DescriptorChain();
        int a = submit(1);
        SplitQueue first = device(log(1));
        take(first, chain);
        first.undoNext();

        SplitQueue second = device(log(1));
        assertEquals(0, second.resubmitted());
        assertEquals(a, take(second, chain));
    }

    @Test
    void queuesHaveRegionsOfTheirOwn() throws Exception {
        DescriptorChain chain = new DescriptorChain();
        submit(1);
        take(device(log(0)), chain);
        assertEquals(0, device(log(1)).resubmitted());
        assertEquals(1, device(log(0)).resubmitted());
    }

    @Test
    void aRegionForOtherQueuesIsRefusedByName() throws Exception {
        ProtocolViolation tooSmall = assertThrows(ProtocolViolation.class, () -> InflightRegion.map(reopen(),
                new InflightDescription(64, 0, 2, SIZE), 2, SIZE));
        assertTrue(tooSmall.getMessage().contains("inflight region of 0x40 bytes"), tooSmall.getMessage());
        ProtocolViolation tooMany = assertThrows(ProtocolViolation.class, () -> InflightRegion.map(reopen(),
                new InflightDescription(InflightRegion.size(3, SIZE), 0, 3, SIZE), 2, SIZE));
        assertTrue(tooMany.getMessage().contains("3 queues"), tooMany.getMessage());
    }

    @Test
    void theLayoutIsTheSpecificationsSplitRingRegion() {
        // 16-byte header, 16 bytes per descriptor, each queue 64-byte aligned.
        assertEquals(192, InflightRegion.queueRegionSize(8));
        assertEquals(2 * 4160, InflightRegion.size(2, 256));
        InflightDescription description = new InflightDescription(8320, 64, 2, 256);
        byte[] bytes = description.encode();
        assertEquals(VhostUserCodec.INFLIGHT_SIZE, bytes.length);
        assertEquals(description, InflightDescription.decode(bytes));
        assertArrayEquals(bytes, InflightDescription.decode(bytes).encode());
    }
}
