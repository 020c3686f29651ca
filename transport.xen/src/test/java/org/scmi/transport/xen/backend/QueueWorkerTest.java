package org.scmi.transport.xen.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;

/**
 * A device's queue worker when one queue always has work: the device hands the queue back after
 * each turn (as {@code VirtioMmioDevice.resumeLater} does, through the queue's eventfd), and the
 * other queue, notified meanwhile, still runs between two turns.
 */
class QueueWorkerTest {
    private static final int CMDQ = 0;
    private static final int EVENTQ = 1;

    @Test
    void aQueueHandedBackAfterEveryTurnLetsTheOtherQueueRunBetweenTwoTurns() throws Exception {
        int[] fds = {Linux.eventfd(Linux.EFD_NONBLOCK), Linux.eventfd(Linux.EFD_NONBLOCK)};
        List<Integer> turns = new CopyOnWriteArrayList<>();
        CountDownLatch eventqServed = new CountDownLatch(1);
        AtomicReference<QueueWorker> handle = new AtomicReference<>();
        try {
            QueueWorker worker = new QueueWorker("test", fds, queue -> {
                turns.add(queue);
                try {
                    if (queue == EVENTQ) {
                        eventqServed.countDown();
                    } else {
                        if (turns.size() == 1) {
                            handle.get().signal(EVENTQ); // the guest posts event buffers during the first turn
                        }
                        handle.get().signal(CMDQ); // and the cmdq always has more
                    }
                } catch (LinuxException e) {
                    throw new IllegalStateException(e);
                }
            });
            handle.set(worker);
            try {
                worker.signal(CMDQ);
                assertTrue(eventqServed.await(30, TimeUnit.SECONDS), "the eventq never ran");
            } finally {
                worker.close();
            }
            int eventqTurn = turns.indexOf(EVENTQ);
            assertTrue(eventqTurn >= 1 && eventqTurn <= 2, "the eventq ran as turn " + eventqTurn + " of " + turns);
        } finally {
            Linux.close(fds[0]);
            Linux.close(fds[1]);
        }
    }
}
