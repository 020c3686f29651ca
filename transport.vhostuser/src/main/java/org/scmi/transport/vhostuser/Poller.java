package org.scmi.transport.vhostuser;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of the vhost-user transport, shared by every guest: one epoll instance holding each
 * guest's listening socket, connection and the kick eventfd of each running queue, and a small pool
 * of platform threads all blocked in {@code epoll_wait} on it. When an fd is ready one of them wakes
 * and runs its handler inline (a kick: the queue's commands are answered on this thread), then goes
 * back to waiting. So the number of threads does not follow the number of guests.
 *
 * <p>Threads:
 * <ul>
 * <li>Each fd is watched one-shot: once reported it is disabled until its handler has returned,
 * so one fd's handler runs on one thread at a time, in the order of readiness, never concurrently
 * with itself; each run happens-after the previous one. Different fds, of the same guest or not,
 * are handled concurrently on different threads.</li>
 * <li>A handler may block (a driver that answers a synchronous command slowly, a protocol being
 * replaced, a front-end that sends half a message). Whenever the last waiting thread takes an fd,
 * another thread is started before the handler runs, so there is always a thread waiting for the
 * next fd: a slow command holds up only its own queue, as it would with a thread per guest. The
 * pool therefore grows to the number of handlers running at once plus one, at most one per
 * watched fd; threads beyond {@link #CORE_THREADS} end once the pool has not run out of waiting
 * threads for {@link #SHRINK_AFTER_MILLIS} ms.</li>
 * <li>Any thread may {@link #watch} an fd or {@link Watch#cancel} a watch; {@code cancel}
 * returns once the handler does not run and will not run again (unless it is called from that
 * handler itself), so the caller may then free what the handler uses.</li>
 * </ul>
 *
 * <p>The poller watches a duplicate of each fd and closes it itself when the watch is cancelled,
 * so the caller's fd may be closed or replaced at any time without the poller ever reading an fd
 * number that has come to mean something else.
 */
@Component(service = Poller.class)
public final class Poller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    /** Threads kept however quiet the guests are: one waiting while another runs a handler. */
    static final int CORE_THREADS = 2;
    /** How long the pool must have had a waiting thread throughout before a surplus thread ends. */
    static final int SHRINK_AFTER_MILLIS = 10_000;
    /** Names of the pool's threads: this, a space and a number (the prefix fits a Linux thread name). */
    static final String THREAD_NAME = "vhost-user-io";
    private static final int WATCHED_EVENTS = Linux.EPOLLIN | Linux.EPOLLONESHOT;
    /** The data of the stop eventfd; watch keys have a generation of at least 1 in their upper half. */
    private static final long STOP_KEY = 0;
    private static final int SLOT_BITS = 32;
    private static final long NANOS_PER_MILLI = 1_000_000;

    /** What a watch does when its fd is ready. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles the fd's readiness: consume what made it ready, or the fd is reported again at
         * once. A failure ends the watch's deliveries and is passed to its failure handler.
         *
         * @param fd the poller's duplicate of the watched fd
         */
        void ready(int fd) throws LinuxException;
    }

    private final int shrinkAfterMillis;
    private final int epollFd;
    /** Signalled once at close and never consumed: level-triggered, it wakes every thread. */
    private final int stopFd;
    /** Threads in or on their way into epoll_wait. */
    private final AtomicInteger waiting = new AtomicInteger();

    /** Guarded by this: the pool's threads. */
    private final List<Thread> threads = new ArrayList<>();
    /** The size of {@link #threads}, for a check without the lock after each handler. */
    private volatile int size;
    /** Guarded by this: threads ever started, which numbers their names. */
    private int started;
    /** Guarded by this: when the last waiting thread last took an fd (System.nanoTime). */
    private long lastExhausted = System.nanoTime();
    /** Guarded by this: the watch generation counter; a key is generation and slot. */
    private int generation;
    /** Copy on write, guarded by this: watches by slot; read without the lock by pool threads. */
    private volatile Watch[] slots = new Watch[0];
    private volatile boolean closing;

    @Activate
    public Poller() throws LinuxException {
        this(SHRINK_AFTER_MILLIS);
    }

    /** @param shrinkAfterMillis how long the pool must not run out of waiting threads before it shrinks */
    Poller(int shrinkAfterMillis) throws LinuxException {
        this.shrinkAfterMillis = shrinkAfterMillis;
        this.epollFd = Linux.epollCreate();
        try {
            this.stopFd = Linux.eventfd(Linux.EFD_NONBLOCK);
            Linux.epollAdd(epollFd, stopFd, Linux.EPOLLIN, STOP_KEY);
        } catch (LinuxException e) {
            Linux.close(epollFd);
            throw e;
        }
        synchronized (this) {
            for (int i = 0; i < CORE_THREADS; i++) {
                startThread();
            }
        }
    }

    /** Guarded by this. */
    private void startThread() {
        waiting.incrementAndGet();
        Thread thread = Thread.ofPlatform().name(THREAD_NAME + " " + ++started).daemon().unstarted(this::serve);
        threads.add(thread);
        size = threads.size();
        thread.start();
    }

    /**
     * Runs {@code handler} on a pool thread each time {@code fd} is readable (or hung up), until
     * the watch is cancelled.
     *
     * @param fd the fd; the poller watches a duplicate, the caller keeps its own
     * @param onFailure called once, on a pool thread, if the handler fails; the watch then has no
     *     more deliveries, and still needs cancelling
     * @param description the guest and what the fd is, for log lines
     */
    public Watch watch(int fd, Handler handler, Runnable onFailure, String description) throws LinuxException {
        int own = Linux.duplicate(fd);
        Watch watch;
        synchronized (this) {
            if (closing) {
                Linux.close(own);
                throw new IllegalStateException("the vhost-user poller is closed");
            }
            int slot = freeSlot();
            generation = generation == Integer.MAX_VALUE ? 1 : generation + 1;
            watch = new Watch(((long) generation << SLOT_BITS) | slot, own, handler, onFailure, description);
            Watch[] changed = slot < slots.length ? slots.clone() : Arrays.copyOf(slots, slot + 1);
            changed[slot] = watch;
            slots = changed;
        }
        try {
            Linux.epollAdd(epollFd, own, WATCHED_EVENTS, watch.key);
        } catch (LinuxException e) {
            release(watch);
            Linux.close(own);
            throw e;
        }
        return watch;
    }

    /** Guarded by this. */
    private int freeSlot() {
        Watch[] current = slots;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == null) {
                return i;
            }
        }
        return current.length;
    }

    private synchronized void release(Watch watch) {
        int slot = (int) watch.key;
        if (slots[slot] == watch) {
            Watch[] changed = slots.clone();
            changed[slot] = null;
            slots = changed;
        }
    }

    /** Threads in the pool now. */
    public int threads() {
        return size;
    }

    /** Threads of the pool waiting for an fd now (not running a handler). */
    int waitingThreads() {
        return waiting.get();
    }

    /** Fds watched now. */
    public int watched() {
        return (int) Arrays.stream(slots).filter(Objects::nonNull).count();
    }

    /** The loop of each pool thread. */
    private void serve() {
        long[] data = new long[1];
        int[] events = new int[1];
        try {
            while (!closing) {
                if (Linux.epollWait(epollFd, data, events, shrinkAfterMillis) == 0 || data[0] == STOP_KEY) {
                    if (retire()) {
                        return;
                    }
                    continue;
                }
                if (waiting.decrementAndGet() == 0) {
                    exhausted();
                }
                try {
                    deliver(data[0], events[0]);
                } finally {
                    waiting.incrementAndGet();
                }
                if (retire()) {
                    return;
                }
            }
        } catch (LinuxException | RuntimeException e) {
            LOG.error("a vhost-user thread stopped waiting for guests' fds", e);
            waiting.decrementAndGet();
        } finally {
            synchronized (this) {
                threads.remove(Thread.currentThread());
                size = threads.size();
            }
        }
    }

    /** The last waiting thread took an fd: another one waits before its handler runs. */
    private synchronized void exhausted() {
        lastExhausted = System.nanoTime();
        if (!closing) {
            startThread();
        }
    }

    /**
     * Whether this thread should end: the pool is closing, or it has more than its core threads,
     * another thread waits, and no fd found the pool without a waiting thread for a while.
     */
    private boolean retire() {
        if (closing) {
            waiting.decrementAndGet();
            return true;
        }
        if (size <= CORE_THREADS) {
            return false;
        }
        synchronized (this) {
            if (threads.size() <= CORE_THREADS || waiting.get() < 2
                    || System.nanoTime() - lastExhausted < shrinkAfterMillis * NANOS_PER_MILLI) {
                return false;
            }
            waiting.decrementAndGet();
            return true;
        }
    }

    private void deliver(long key, int events) {
        Watch[] current = slots;
        int slot = (int) key;
        if (slot < current.length && current[slot] != null && current[slot].key == key) {
            current[slot].deliver(events);
        } // else cancelled after epoll_wait reported it
    }

    /**
     * Stops the threads and waits for them. Watches not cancelled yet are left to their owners.
     * Called again, does nothing.
     */
    @Deactivate
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        try {
            Linux.eventfdSignal(stopFd);
        } catch (LinuxException e) {
            LOG.error("cannot wake the vhost-user threads to stop them: {}", e.getMessage());
        }
        List<Thread> pool;
        synchronized (this) {
            pool = List.copyOf(threads);
        }
        boolean interrupted = false;
        for (Thread thread : pool) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        Linux.close(stopFd);
        Linux.close(epollFd);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One watched fd. */
    public final class Watch {
        private final long key;
        private final int fd;
        private final Handler handler;
        private final Runnable onFailure;
        private final String description;
        /** Guarded by this: the thread running the handler, or null. */
        private Thread running;
        /** Guarded by this. */
        private boolean cancelled;
        /** Guarded by this: cancelled by its own handler, which closes the fd once it returns. */
        private boolean closeOnReturn;

        private Watch(long key, int fd, Handler handler, Runnable onFailure, String description) {
            this.key = key;
            this.fd = fd;
            this.handler = handler;
            this.onFailure = onFailure;
            this.description = description;
        }

        private void deliver(int events) {
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                running = Thread.currentThread();
            }
            boolean healthy = false;
            boolean close;
            try {
                handler.ready(fd);
                healthy = true;
            } catch (LinuxException | RuntimeException e) {
                LOG.error("{}: handling stopped (epoll events 0x{}): {}", description, Integer.toHexString(events),
                        e.toString(), e);
            } finally {
                synchronized (this) {
                    running = null;
                    if (healthy && !cancelled) {
                        healthy = rearm();
                    }
                    close = closeOnReturn;
                    notifyAll();
                }
            }
            if (close) {
                Linux.close(fd);
            } else if (!healthy) {
                onFailure.run();
            }
        }

        /** Guarded by this. */
        private boolean rearm() {
            try {
                Linux.epollRearm(epollFd, fd, WATCHED_EVENTS, key);
                return true;
            } catch (LinuxException e) {
                LOG.error("{}: cannot watch the fd again: {}", description, e.getMessage());
                return false;
            }
        }

        /**
         * Ends the deliveries: returns once the handler does not run and will not start again
         * (when called from the handler itself: at once, the handler going on), then closes the
         * poller's duplicate of the fd. Called again, does nothing.
         */
        public void cancel() {
            boolean interrupted = false;
            boolean fromHandler;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                while (running != null && running != Thread.currentThread()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                try {
                    Linux.epollRemove(epollFd, fd);
                } catch (LinuxException e) {
                    LOG.warn("{}: fd not removed from the poll set: {}", description, e.getMessage());
                }
                fromHandler = running != null;
                closeOnReturn = fromHandler;
            }
            release(this);
            if (!fromHandler) {
                Linux.close(fd);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
