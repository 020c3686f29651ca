package org.scmi.board.sim.reset;

import java.time.Duration;
import org.scmi.api.reset.ResetDomain;
import org.scmi.board.sim.file.BoardState;

/**
 * One simulated reset line: its description, how long an autonomous reset takes, whether it is
 * asserted and how many resets it went through. Thread-safe: the state is volatile.
 */
final class SimulatedReset {
    private final ResetDomain domain;
    private final Duration delay;
    private final boolean assertedAtStart;
    private volatile boolean asserted;
    private volatile long resets;

    SimulatedReset(ResetDomain domain, Duration delay, boolean asserted) {
        this.domain = domain;
        this.delay = delay;
        this.assertedAtStart = asserted;
        this.asserted = asserted;
    }

    ResetDomain domain() {
        return domain;
    }

    Duration delay() {
        return delay;
    }

    boolean asserted() {
        return asserted;
    }

    void asserted(boolean now) {
        asserted = now;
    }

    long resets() {
        return resets;
    }

    void resets(long count) {
        resets = count;
    }

    /** The line as the board file describes it: tells one board from another. */
    String describe() {
        return BoardState.canonical(domain) + " delay " + delay + " asserted " + assertedAtStart;
    }
}
