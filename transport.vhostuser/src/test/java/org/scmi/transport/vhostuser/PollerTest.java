package org.scmi.transport.vhostuser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.transport.vhostuser.TestGuests.eventually;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;

/**
 * The transport's threads on their own: many fds served by the pool's core threads, a handler that
 * blocks never holding up other fds, one fd never handled twice at once, watches coming and going
 * and cancelled from their own handler, a watched fd closed by its owner, a failing handler.
 */
class PollerTest {
    private static final long WAIT_SECONDS = 5;
    /** Short enough for a test to see surplus threads end, long enough to outlast a loaded machine's hiccups. */
    private static final int SHRINK_AFTER_MILLIS = 300;

    private Poller poller;
    private final List<Integer> eventFds = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        poller = new Poller(SHRINK_AFTER_MILLIS);
    }

    @AfterEach
    void stop() {
        poller.close();
        eventFds.forEach(Linux::close);
    }

    private int eventFd() throws LinuxException {
        int fd = Linux.eventfd(Linux.EFD_NONBLOCK);
        eventFds.add(fd);
        return fd;
    }

    /** A handler that consumes the eventfd and releases one permit per run. */
    private static Poller.Handler counting(Semaphore handled) {
        return fd -> {
            Linux.eventfdConsume(fd);
            handled.release();
        };
    }

    private static void acquire(Semaphore handled, String what) throws InterruptedException {
        assertTrue(handled.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS), what + " was not handled");
    }

    /** Blocks a handler as a slow driver would. */
    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Runnable NO_FAILURE_EXPECTED = () -> {
        throw new AssertionError("a handler failed");
    };

    @Test
    void sixtyFourFdsAreServedByTheCoreThreadsWhileNoHandlerBlocks() throws Exception {
        List<Semaphore> handled = new ArrayList<>();
        List<Integer> fds = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Semaphore permits = new Semaphore(0);
            int fd = eventFd();
            poller.watch(fd, counting(permits), NO_FAILURE_EXPECTED, "fd " + i);
            handled.add(permits);
            fds.add(fd);
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < fds.size(); i++) {
                // One handler at a time, and the thread that ran it back to waiting before the next.
                assertTrue(eventually(() -> poller.waitingThreads() == Poller.CORE_THREADS));
                Linux.eventfdSignal(fds.get(i));
                acquire(handled.get(i), "fd " + i);
            }
        }
        assertEquals(64, poller.watched());
        assertEquals(Poller.CORE_THREADS, poller.threads());
    }

    @Test
    void anFdReadyWhileAnotherFdsHandlerBlocksIsHandledAtOnce() throws Exception {
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger blockedRuns = new AtomicInteger();
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        int slow = eventFd();
        poller.watch(slow, fd -> {
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            Linux.eventfdConsume(fd);
            blockedRuns.incrementAndGet();
            blocking.countDown();
            await(release);
            atOnce.decrementAndGet();
        }, NO_FAILURE_EXPECTED, "slow fd");
        Semaphore handled = new Semaphore(0);
        int quick = eventFd();
        poller.watch(quick, counting(handled), NO_FAILURE_EXPECTED, "quick fd");

        Linux.eventfdSignal(slow);
        assertTrue(blocking.await(WAIT_SECONDS, TimeUnit.SECONDS));
        Linux.eventfdSignal(slow); // ready again while its handler runs: not handled until it returns
        for (int i = 0; i < 20; i++) {
            Linux.eventfdSignal(quick);
            acquire(handled, "quick fd, kick " + i);
        }
        assertEquals(1, blockedRuns.get(), "the slow fd's handler ran again before it returned");
        release.countDown();
        assertTrue(eventually(() -> blockedRuns.get() == 2), "the slow fd's second kick was not handled");
        assertEquals(1, mostAtOnce.get(), "one fd's handler ran on two threads at once");
    }

    @Test
    void aHandlerBlockingOnEveryThreadStillLeavesAThreadForTheNextFd() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int blockers = 6;
        CountDownLatch allBlocked = new CountDownLatch(blockers);
        for (int i = 0; i < blockers; i++) {
            int fd = eventFd();
            poller.watch(fd, ready -> {
                Linux.eventfdConsume(ready);
                allBlocked.countDown();
                await(release);
            }, NO_FAILURE_EXPECTED, "blocking fd " + i);
            Linux.eventfdSignal(fd);
        }
        try {
            assertTrue(allBlocked.await(WAIT_SECONDS, TimeUnit.SECONDS), "not every blocking handler started");
            Semaphore handled = new Semaphore(0);
            int quick = eventFd();
            poller.watch(quick, counting(handled), NO_FAILURE_EXPECTED, "quick fd");
            Linux.eventfdSignal(quick);
            acquire(handled, "the quick fd");
            assertTrue(poller.threads() > blockers, poller.threads() + " threads with " + blockers + " blocked");
        } finally {
            release.countDown();
        }
        // Once nothing blocks and no fd found the pool without a waiting thread for a while, it shrinks back.
        assertTrue(eventually(() -> poller.threads() == Poller.CORE_THREADS), poller.threads() + " threads left");
    }

    @Test
    void cancelReturnsOnlyOnceTheRunningHandlerHasReturnedAndNoneRunsAfter() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        int fd = eventFd();
        Poller.Watch watch = poller.watch(fd, ready -> {
            Linux.eventfdConsume(ready);
            runs.incrementAndGet();
            running.countDown();
            await(release);
        }, NO_FAILURE_EXPECTED, "fd");
        Linux.eventfdSignal(fd);
        assertTrue(running.await(WAIT_SECONDS, TimeUnit.SECONDS));
        try (ExecutorService canceller = Executors.newSingleThreadExecutor()) {
            Future<?> cancelled = canceller.submit(watch::cancel);
            Thread.sleep(200);
            assertFalse(cancelled.isDone(), "cancel returned while the handler ran");
            release.countDown();
            cancelled.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        Linux.eventfdSignal(fd);
        Thread.sleep(200);
        assertEquals(1, runs.get(), "a handler ran after its watch was cancelled");
        assertEquals(0, poller.watched());
    }

    @Test
    void aHandlerMayCancelItsOwnWatchAndItsDuplicateIsClosedOnceItReturns() throws Exception {
        long fdsBefore = TestGuests.openFds();
        int fd = eventFd();
        Semaphore handled = new Semaphore(0);
        Poller.Watch[] own = new Poller.Watch[1];
        own[0] = poller.watch(fd, ready -> {
            Linux.eventfdConsume(ready);
            own[0].cancel();
            handled.release();
        }, NO_FAILURE_EXPECTED, "self-cancelling fd");
        Linux.eventfdSignal(fd);
        acquire(handled, "the self-cancelling fd");
        assertEquals(0, poller.watched());
        Linux.close(fd);
        eventFds.remove((Integer) fd);
        assertTrue(eventually(() -> TestGuests.openFds() == fdsBefore), "the poller's duplicate was not closed");
    }

    @Test
    void theOwnersFdMayBeClosedWhileWatched() throws Exception {
        long fdsBefore = TestGuests.openFds();
        int owners = Linux.eventfd(Linux.EFD_NONBLOCK);
        int guests = Linux.duplicate(owners); // the front-end's end of the same eventfd
        try {
            Semaphore handled = new Semaphore(0);
            Poller.Watch watch = poller.watch(owners, counting(handled), NO_FAILURE_EXPECTED, "fd closed by its owner");
            Linux.close(owners);
            int reused = Linux.eventfd(Linux.EFD_NONBLOCK); // likely the same fd number, now another file
            try {
                for (int i = 0; i < 5; i++) {
                    Linux.eventfdSignal(guests);
                    acquire(handled, "kick " + i + " after the owner closed its fd");
                }
                Linux.eventfdSignal(reused);
                assertEquals(1, Linux.eventfdConsume(reused), "the poller read another file's fd number");
            } finally {
                Linux.close(reused);
            }
            watch.cancel();
        } finally {
            Linux.close(guests);
        }
        assertTrue(eventually(() -> TestGuests.openFds() == fdsBefore), "fds left open");
    }

    @Test
    void aFailingHandlerEndsOnlyItsOwnWatchAndIsReportedOnce() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        int failing = eventFd();
        poller.watch(failing, fd -> {
            Linux.eventfdConsume(fd);
            runs.incrementAndGet();
            throw new IllegalStateException("the device failed");
        }, failures::incrementAndGet, "failing fd");
        Semaphore handled = new Semaphore(0);
        int healthy = eventFd();
        poller.watch(healthy, counting(handled), NO_FAILURE_EXPECTED, "healthy fd");

        Linux.eventfdSignal(failing);
        assertTrue(eventually(() -> failures.get() == 1));
        Linux.eventfdSignal(failing);
        for (int i = 0; i < 5; i++) {
            Linux.eventfdSignal(healthy);
            acquire(handled, "healthy fd, kick " + i);
        }
        Thread.sleep(200);
        assertEquals(1, runs.get(), "a failed watch was handled again");
        assertEquals(1, failures.get());
    }

    @Test
    void watchesComeAndGoWhileOthersAreServed() throws Exception {
        long fdsBefore = TestGuests.openFds();
        Semaphore steadyHandled = new Semaphore(0);
        int steady = Linux.eventfd(Linux.EFD_NONBLOCK);
        Poller.Watch steadyWatch = poller.watch(steady, counting(steadyHandled), NO_FAILURE_EXPECTED, "steady fd");
        int comers = 8;
        try (ExecutorService guests = Executors.newFixedThreadPool(comers)) {
            List<Future<Void>> rounds = new ArrayList<>();
            for (int g = 0; g < comers; g++) {
                int guest = g;
                rounds.add(guests.submit(() -> {
                    for (int round = 0; round < 40; round++) {
                        int fd = Linux.eventfd(Linux.EFD_NONBLOCK);
                        Semaphore handled = new Semaphore(0);
                        Poller.Watch watch = poller.watch(fd, counting(handled), NO_FAILURE_EXPECTED,
                                "guest " + guest + " round " + round);
                        Linux.eventfdSignal(fd);
                        acquire(handled, "guest " + guest + " round " + round);
                        Linux.eventfdSignal(fd); // may or may not be handled before the cancel
                        watch.cancel();
                        Linux.close(fd);
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 100; i++) {
                Linux.eventfdSignal(steady);
                acquire(steadyHandled, "steady fd, kick " + i);
            }
            for (Future<Void> round : rounds) {
                round.get(60, TimeUnit.SECONDS);
            }
        }
        assertEquals(1, poller.watched());
        steadyWatch.cancel();
        Linux.close(steady);
        assertTrue(eventually(() -> TestGuests.openFds() == fdsBefore), "fds left open");
    }

    @Test
    void closeEndsEveryThread() throws Exception {
        assertEquals(Poller.CORE_THREADS, poller.threads());
        poller.close();
        assertEquals(0, poller.threads());
    }
}
