package org.scmi.transport.vhostuser;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that waits for a guest's kicks. It owns one platform thread per connected guest,
 * blocked in {@code poll(2)} on the kick eventfds of the guest's running queues plus a wake-up
 * eventfd of its own; when a kick fd is readable it consumes the eventfd and calls the device's
 * {@code queueNotified} inline, on this thread. That is the only thread that ever notifies the
 * device of a guest's kicks, so a device sees one queue's notifications in order and never
 * concurrently; it must not block for long in them.
 *
 * <p>The connection thread changes which fds are watched ({@link #watch}, {@link #unwatch}).
 * {@link #unwatch} returns only when the poller has dropped the fd from its poll set and finished
 * any notification in progress, so the caller may then stop the queue and close the fd.
 */
final class KickPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KickPoller.class);

    private final String guest;
    private final IntConsumer queueNotified;
    private final Runnable onFailure;
    private final int wakeFd;
    private final Thread thread;

    /** Guarded by this: kick fd per queue, -1 when not watched. */
    private final int[] watched;
    /** Guarded by this: bumped by every change; the poller acknowledges it after rebuilding. */
    private long generation;
    private long appliedGeneration;
    private boolean closing;
    private boolean running;

    /**
     * @param guest the guest's name, for log lines and the thread's name
     * @param queueCount number of queues
     * @param queueNotified called with the queue index for each kick
     * @param onFailure called (on the poller thread) if polling fails and the guest cannot be
     *     served any more
     */
    KickPoller(String guest, int queueCount, IntConsumer queueNotified, Runnable onFailure) throws LinuxException {
        this.guest = guest;
        this.queueNotified = queueNotified;
        this.onFailure = onFailure;
        this.watched = new int[queueCount];
        Arrays.fill(watched, -1);
        this.wakeFd = Linux.eventfd(Linux.EFD_NONBLOCK);
        this.thread = Thread.ofPlatform().name("vhost-user kicks " + guest).daemon().unstarted(this::run);
        this.running = true;
        thread.start();
    }

    /** Delivers kicks of {@code fd} as notifications of queue {@code queue}. */
    synchronized void watch(int queue, int fd) throws LinuxException {
        watched[queue] = fd;
        changed();
    }

    /** Stops delivering kicks of queue {@code queue}; see the class comment for the guarantee. */
    synchronized void unwatch(int queue) throws LinuxException {
        if (watched[queue] < 0) {
            return;
        }
        watched[queue] = -1;
        long wanted = changed();
        boolean interrupted = false;
        while (running && appliedGeneration < wanted) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private long changed() throws LinuxException {
        generation++;
        Linux.eventfdSignal(wakeFd);
        return generation;
    }

    /** What one poll(2) call watches: fds[0] is the wake-up fd; fds[i] kicks queues[i]. */
    private record PollSet(int[] fds, int[] queues) {
    }

    private void run() {
        PollSet set = new PollSet(new int[] {wakeFd}, new int[] {-1});
        try {
            while (true) {
                synchronized (this) {
                    if (closing) {
                        return;
                    }
                }
                short[] revents = new short[set.fds().length];
                Linux.poll(set.fds(), revents, -1);
                if (revents[0] != 0) {
                    Linux.eventfdConsume(wakeFd);
                    synchronized (this) {
                        set = pollSet();
                        appliedGeneration = generation;
                        notifyAll();
                    }
                    continue;
                }
                for (int i = 1; i < set.fds().length; i++) {
                    if ((revents[i] & (Linux.POLLERR | Linux.POLLHUP | Linux.POLLNVAL)) != 0) {
                        throw new IllegalStateException("kick fd of queue " + set.queues()[i] + " failed (poll events 0x"
                                + Integer.toHexString(revents[i] & 0xFFFF) + ")");
                    }
                    if ((revents[i] & Linux.POLLIN) != 0 && Linux.eventfdConsume(set.fds()[i]) != 0) {
                        queueNotified.accept(set.queues()[i]);
                    }
                }
            }
        } catch (LinuxException | RuntimeException e) {
            LOG.error("guest {}: kick handling stopped: {}", guest, e.toString(), e);
            onFailure.run();
        } finally {
            synchronized (this) {
                running = false;
                notifyAll();
            }
        }
    }

    /** The wake-up fd, then every watched kick fd. Caller holds the lock. */
    private PollSet pollSet() {
        int count = 1 + (int) Arrays.stream(watched).filter(fd -> fd >= 0).count();
        int[] fds = new int[count];
        int[] queues = new int[count];
        fds[0] = wakeFd;
        queues[0] = -1;
        int at = 1;
        for (int queue = 0; queue < watched.length; queue++) {
            if (watched[queue] >= 0) {
                fds[at] = watched[queue];
                queues[at++] = queue;
            }
        }
        return new PollSet(fds, queues);
    }

    /** Stops the thread and waits for it. Watched fds are the caller's to close afterwards. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            try {
                Linux.eventfdSignal(wakeFd);
            } catch (LinuxException e) {
                LOG.warn("guest {}: cannot wake the kick thread: {}", guest, e.getMessage());
            }
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        Linux.close(wakeFd);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
