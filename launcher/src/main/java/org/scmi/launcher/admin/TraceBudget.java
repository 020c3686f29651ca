package org.scmi.launcher.admin;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How many trace lines may be logged: at most a fixed number per second, so that tracing a busy
 * guest cannot flood the log or slow its requests down. Lock-free; at a window's edge a few lines
 * more or less may pass.
 */
final class TraceBudget {
    /** Returned by {@link #take()} when the line must not be logged. */
    static final long REFUSED = -1;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int linesPerWindow;
    private final LongSupplier nanoClock;
    private final AtomicLong windowStart;
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    TraceBudget(int linesPerSecond, LongSupplier nanoClock) {
        this.linesPerWindow = linesPerSecond;
        this.nanoClock = nanoClock;
        this.windowStart = new AtomicLong(nanoClock.getAsLong());
    }

    int linesPerSecond() {
        return linesPerWindow;
    }

    /**
     * Takes one line: {@link #REFUSED} when this second's lines are used up, otherwise how many
     * lines were refused since the last one taken (to be reported with it).
     */
    long take() {
        long now = nanoClock.getAsLong();
        long start = windowStart.get();
        if (now - start >= WINDOW_NANOS && windowStart.compareAndSet(start, now)) {
            taken.set(0);
        }
        if (taken.incrementAndGet() > linesPerWindow) {
            refused.incrementAndGet();
            return REFUSED;
        }
        return refused.getAndSet(0);
    }
}
