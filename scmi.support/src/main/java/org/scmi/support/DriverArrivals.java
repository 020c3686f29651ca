package org.scmi.support;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;

/**
 * Lets a command wait, without spinning, for the driver of a known resource to come back while the
 * driver's bundle is being updated: {@link #await} sleeps on a condition that {@link #arrived}
 * signals each time a driver is bound. Thread-safe.
 */
public final class DriverArrivals {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();

    /** A driver was bound: waiting commands look again. */
    public void arrived() {
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * What {@code lookup} finds, waiting up to {@code grace} while it finds nothing (null).
     *
     * @return the thing found, or null if the grace period ended (or the thread was interrupted)
     */
    public <T> T await(Supplier<T> lookup, Duration grace) {
        T found = lookup.get();
        if (found != null) {
            return found;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        lock.lock();
        try {
            while ((found = lookup.get()) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                arrived.awaitNanos(left);
            }
            return found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lookup.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * What {@code lookup} finds, waiting up to {@code grace} for the resource's driver to come back.
     *
     * @param driver names the driver in the error, e.g. {@code driver board of clock 3}
     * @throws ScmiException HARDWARE_ERROR if the driver stayed away for the whole grace period
     */
    public <T> T awaitDriver(Supplier<T> lookup, Duration grace, String driver) throws ScmiException {
        T found = await(lookup, grace);
        if (found == null) {
            throw new ScmiException(ScmiStatus.HARDWARE_ERROR,
                    "the " + driver + " stayed away for " + grace.toMillis() + " ms");
        }
        return found;
    }
}
