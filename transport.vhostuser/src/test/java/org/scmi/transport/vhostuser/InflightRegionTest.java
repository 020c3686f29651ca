package org.scmi.transport.vhostuser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.scmi.virtio.ring.RingPosition;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;
import org.scmi.virtio.ring.split.SplitQueueFactory;

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
    private Virtqueue device(InflightLog log) throws Exception {
        QueueSetup setup = driver.setup();
        return new SplitQueueFactory().open(new QueueSetup(setup.memory(), SIZE, setup.descriptorTable(),
                setup.driverArea(), setup.deviceArea(), driver.deviceUsedIndex(), log), FEATURES);
    }

    /**
     * How many chains a device just opened serves from the log before the available ring: it
     * resumes the available ring that many entries after the used idx.
     */
    private int resubmitted(Virtqueue opened) {
        return (opened.nextAvailIndex() - driver.deviceUsedIndex()) & 0xFFFF;
    }

    private int submit(int tag) {
        int head = driver.add(List.of(new byte[] {(byte) tag}), 4);
        driver.publish();
        return head;
    }

    private static DescriptorChain take(Virtqueue queue) throws Exception {
        DescriptorChain chain = queue.next();
        assertNotNull(chain);
        return chain;
    }

    private static void answer(Virtqueue queue, DescriptorChain chain) throws Exception {
        queue.addUsed(chain, 0);
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
        int a = submit(1);
        int b = submit(2);
        int c = submit(3);
        Virtqueue first = device(log(0));
        assertEquals(0, resubmitted(first));
        DescriptorChain takenA = take(first);
        take(first);
        take(first);
        assertEquals(a, takenA.head());
        answer(first, takenA);
        assertEquals(List.of(a), polledIds());
        int d = submit(4); // reuses a's descriptors: a lower head than b's, taken after it
        assertTrue(d < b, "head " + d);
        assertEquals(d, take(first).head());
        int e = submit(5); // posted, never taken
        // The first device dies here: b, c and d taken, e waiting.

        Virtqueue second = device(log(0));
        assertEquals(3, resubmitted(second));
        List<Integer> served = new ArrayList<>();
        for (DescriptorChain chain; (chain = second.next()) != null;) {
            served.add(chain.head());
            second.addUsed(chain, 0);
        }
        assertEquals(List.of(b, c, d, e), served);
        assertEquals(List.of(b, c, d, e), polledIds());
        assertEquals(second.nextAvailIndex(), driver.availIndex());

        // A third device finds nothing in flight.
        Virtqueue third = device(log(0));
        assertEquals(0, resubmitted(third));
        assertNull(third.next());
    }

    @Test
    void anAnswerPublishedJustBeforeTheCrashIsNotAnsweredAgain() throws Exception {
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
        Virtqueue first = device(crashing);
        DescriptorChain takenA = take(first);
        take(first);
        assertEquals(a, takenA.head());
        answer(first, takenA);

        Virtqueue second = device(log(0));
        assertEquals(1, resubmitted(second));
        DescriptorChain takenB = take(second);
        assertEquals(b, takenB.head());
        answer(second, takenB);
        assertNull(second.next());
        assertEquals(List.of(a, b), polledIds());
    }

    @Test
    void aQueueMovedToAnotherEngineKeepsItsPositionAndResubmitsNothing() throws Exception {
        int a = submit(1);
        InflightRegion.QueueLog log = log(0);
        Virtqueue first = device(log);
        answer(first, take(first));
        RingPosition position = first.position();
        QueueSetup setup = driver.setup();
        Virtqueue moved = new SplitQueueFactory().open(new QueueSetup(setup.memory(), SIZE, setup.descriptorTable(),
                setup.driverArea(), setup.deviceArea(), driver.deviceUsedIndex(), log), FEATURES, position);
        assertEquals(position, moved.position());
        int b = submit(2);
        DescriptorChain takenB = take(moved);
        assertEquals(b, takenB.head());
        answer(moved, takenB);
        assertNull(moved.next());
        assertEquals(List.of(a, b), polledIds());
    }

    @Test
    void aChainPutBackIsNotInFlight() throws Exception {
        int a = submit(1);
        Virtqueue first = device(log(1));
        take(first);
        first.undoNext();

        Virtqueue second = device(log(1));
        assertEquals(0, resubmitted(second));
        assertEquals(a, take(second).head());
    }

    @Test
    void queuesHaveRegionsOfTheirOwn() throws Exception {
        submit(1);
        take(device(log(0)));
        assertEquals(0, resubmitted(device(log(1))));
        assertEquals(1, resubmitted(device(log(0))));
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
