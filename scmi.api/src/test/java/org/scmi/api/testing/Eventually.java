package org.scmi.api.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for something another thread makes true. */
public final class Eventually {
    private static final long POLL_MILLIS = 10;

    private Eventually() {
    }

    /** Polls {@code condition} until it holds or {@code timeout} has passed; its last answer. */
    public static boolean within(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return condition.getAsBoolean();
    }
}
