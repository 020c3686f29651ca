package org.scmi.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.scmi.virtio.ring.VirtqueueFactory;

/**
 * The virtqueue engine the device's queues are opened with (the {@link VirtqueueFactory} service of
 * the ring bundle, bound dynamically), and the queues running now. When a new engine arrives (the
 * ring bundle was updated), every running queue moves to it at its next quiet point
 * ({@link ServedQueue#moveTo}); queues keep the engine they have while none is registered, and a
 * queue that starts then waits for one, up to the grace period.
 *
 * <p>Thread-safe: engines come and go on framework threads, queues start and stop on transport
 * threads. Moving the queues runs on the thread that binds the new engine, one queue at a time,
 * each under its own monitor, and never while holding anything else.
 */
final class VirtqueueEngines {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Set<ServedQueue> running = ConcurrentHashMap.newKeySet();
    private volatile VirtqueueFactory current;
    private volatile long graceNanos;

    /** @param grace how long a starting queue waits for an engine while none is registered */
    VirtqueueEngines(Duration grace) {
        setGrace(grace);
    }

    void setGrace(Duration grace) {
        graceNanos = grace.toNanos();
    }

    /** The engine new queues open with, or null while none is registered. */
    VirtqueueFactory current() {
        return current;
    }

    /** A (new) engine is registered: queues open with it from now on, and running ones move to it. */
    void bind(VirtqueueFactory engine) {
        lock.lock();
        try {
            current = engine;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        for (ServedQueue queue : running) {
            queue.moveTo(engine);
        }
    }

    /** An engine went away: running queues keep it until the next one comes. */
    void unbind(VirtqueueFactory engine) {
        lock.lock();
        try {
            if (current == engine) {
                current = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The current engine, waiting for one up to the grace period; null if none came. */
    VirtqueueFactory await() throws InterruptedException {
        VirtqueueFactory engine = current;
        if (engine != null) {
            return engine;
        }
        long deadline = System.nanoTime() + graceNanos;
        lock.lock();
        try {
            while ((engine = current) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                arrived.awaitNanos(left);
            }
            return engine;
        } finally {
            lock.unlock();
        }
    }

    void started(ServedQueue queue) {
        running.add(queue);
    }

    void stopped(ServedQueue queue) {
        running.remove(queue);
    }
}
