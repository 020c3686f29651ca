package org.scmi.virtio.ring.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes the calling thread allocates while it repeats one step, counted after a warm-up: for tests
 * that a device's steady state allocates nothing. A test expects less than one byte per step on
 * average: a one-time allocation of the JIT (an object re-made when compiled code is left) passes,
 * one object per step (16 bytes or more) does not.
 */
public final class SteadyStateAllocation {
    /** Steps run before counting starts. */
    public static final int WARM_UP = 10_000;
    /** Steps counted. */
    public static final int MEASURED = 20_000;

    /** One step: serve one chain or command, and give the device the same one again. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private SteadyStateAllocation() {
    }

    /** Runs {@code step} {@link #WARM_UP} + {@link #MEASURED} times; returns the bytes the measured steps allocated. */
    public static long of(Step step) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.getCurrentThreadAllocatedBytes(); // its own first call may allocate
        long before = 0;
        for (int i = 0; i < WARM_UP + MEASURED; i++) {
            if (i == WARM_UP) {
                before = threads.getCurrentThreadAllocatedBytes();
            }
            step.run();
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
