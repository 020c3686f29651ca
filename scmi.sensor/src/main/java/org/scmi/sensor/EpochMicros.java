package org.scmi.sensor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The wall clock in microseconds since the Unix epoch, read without allocating: the timestamps of
 * readings whose driver did not stamp them. {@link Instant#now()} makes an object per call, which
 * a read path that allocates nothing cannot afford; this clock takes one {@link Instant} as an
 * anchor and runs on {@link System#nanoTime()} from there, and takes a new anchor when it has
 * drifted more than {@link #MAX_DRIFT_MILLIS} from {@link System#currentTimeMillis()} (the wall
 * clock was set, or the two clocks' rates differ).
 *
 * <p>Thread-safe: the anchor is replaced as a whole.
 */
final class EpochMicros {
    /** Drift from the wall clock's milliseconds that takes a new anchor. */
    static final long MAX_DRIFT_MILLIS = 2;
    private static final long NANOS_PER_MICRO = 1_000;
    private static final long MICROS_PER_MILLI = 1_000;

    /** The two clocks read at the same moment. */
    private record Anchor(long nanos, long epochMicros) {
        static Anchor now() {
            Instant wall = Instant.now();
            return new Anchor(System.nanoTime(), ChronoUnit.MICROS.between(Instant.EPOCH, wall));
        }
    }

    private volatile Anchor anchor = Anchor.now();

    /** Microseconds since the Unix epoch, now. */
    long now() {
        Anchor current = anchor;
        long micros = current.epochMicros() + (System.nanoTime() - current.nanos()) / NANOS_PER_MICRO;
        if (Math.abs(micros / MICROS_PER_MILLI - System.currentTimeMillis()) > MAX_DRIFT_MILLIS) {
            current = Anchor.now();
            anchor = current;
            micros = current.epochMicros();
        }
        return micros;
    }
}
