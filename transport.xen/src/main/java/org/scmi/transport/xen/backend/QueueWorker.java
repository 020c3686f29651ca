package org.scmi.transport.xen.backend;

import java.util.function.IntConsumer;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker of one served device: a thread ("xen-queues-&lt;device&gt;") waiting on one eventfd per
 * queue and on a stop eventfd, running the queue's work for every signal. A queue's eventfd is the
 * kernel's ioeventfd where the kernel completes the guest's QueueNotify itself, or one the ioreq
 * thread signals ({@link #signal}) after answering the QueueNotify at once; both routes end here,
 * so a guest's vCPU never waits for a command, and neither route runs a command under the
 * register lock. Signals that arrive while a queue's work runs are coalesced by the eventfd into
 * one more round, which finds whatever the driver added meanwhile. A device that hands a busy queue
 * back after a turn signals it here again, so the other queue's work runs before its next turn.
 *
 * <p>Threads: {@link #signal} from any thread (the ioreq thread); {@link #close} from the thread
 * tearing the device down, after which no work runs.
 */
final class QueueWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);

    private final String device;
    /** The queues' eventfds, then the stop eventfd. */
    private final int[] fds;
    private final int stopFd;
    private final IntConsumer work;
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * @param queueFds one eventfd per queue (non-blocking), owned by the caller
     * @param work runs a queue's work, given its index
     */
    QueueWorker(String device, int[] queueFds, IntConsumer work) throws LinuxException {
        this.device = device;
        this.stopFd = Linux.eventfd(Linux.EFD_NONBLOCK);
        this.fds = new int[queueFds.length + 1];
        System.arraycopy(queueFds, 0, fds, 0, queueFds.length);
        fds[queueFds.length] = stopFd;
        this.work = work;
        this.thread = Thread.ofPlatform().daemon().name("xen-queues-" + device).start(this::run);
    }

    /** Hands a notification of {@code queue} to the worker; returns at once. */
    void signal(int queue) throws LinuxException {
        Linux.eventfdSignal(fds[queue]);
    }

    private void run() {
        int queues = fds.length - 1;
        short[] events = new short[fds.length];
        try {
            while (!stopping) {
                Linux.poll(fds, events, -1);
                for (int queue = 0; queue < queues && !stopping; queue++) {
                    if (events[queue] != 0 && Linux.eventfdConsume(fds[queue]) > 0) {
                        serve(queue);
                    }
                }
            }
        } catch (LinuxException e) {
            LOG.error("device {}: waiting for queue notifications failed, its queues are no longer served: {}",
                    device, e.getMessage());
        }
    }

    private void serve(int queue) {
        try {
            work.accept(queue);
        } catch (RuntimeException e) {
            LOG.error("device {}: queue {} failed: {}", device, queue, e.toString());
        }
    }

    /** Stops the worker: waits for the work in progress (a command the device is answering) to end. */
    @Override
    public void close() {
        stopping = true;
        try {
            Linux.eventfdSignal(stopFd);
            if (Thread.currentThread() != thread) {
                thread.join();
            }
        } catch (LinuxException e) {
            LOG.error("device {}: stopping its queue worker: {}", device, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Linux.close(stopFd);
    }
}
