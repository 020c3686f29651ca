package org.scmi.api.testing;

import java.util.concurrent.CountDownLatch;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;

/**
 * What a fake driver does before it changes its hardware: waits while the test holds the calls,
 * then fails if the test made them fail. Thread-safe.
 */
public final class HeldCalls {
    private volatile CountDownLatch gate;
    private volatile ScmiStatus failure;

    /** Calls from now on wait until {@link #release}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets the held calls go on. */
    public void release() {
        gate.countDown();
    }

    /** Calls from now on fail with {@code status}; null, they succeed again. */
    public void fail(ScmiStatus status) {
        failure = status;
    }

    /** The driver calls this first in every call that changes its hardware. */
    public void pass() throws ScmiException {
        CountDownLatch waitFor = gate;
        if (waitFor != null) {
            try {
                waitFor.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw new ScmiException(failure, "test failure");
        }
    }
}
