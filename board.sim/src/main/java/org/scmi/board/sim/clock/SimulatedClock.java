package org.scmi.board.sim.clock;

import java.time.Duration;
import org.scmi.api.clock.Clock;
import org.scmi.board.sim.file.BoardState;

/**
 * One simulated clock: its description, how long a rate or parent change takes, and its rate,
 * state and parent. Thread-safe: each is one volatile field, written by one change at a time
 * (the protocol serialises changes to a clock; the shell writes the rate alone).
 */
final class SimulatedClock {
    private final Clock clock;
    private final Duration change;
    private volatile long rate;
    private volatile boolean enabled;
    private volatile String parent;

    SimulatedClock(Clock clock, Duration change, long rate, boolean enabled, String parent) {
        this.clock = clock;
        this.change = change;
        this.rate = rate;
        this.enabled = enabled;
        this.parent = parent;
    }

    Clock clock() {
        return clock;
    }

    Duration change() {
        return change;
    }

    long rate() {
        return rate;
    }

    void rate(long newRate) {
        rate = newRate;
    }

    boolean enabled() {
        return enabled;
    }

    void enabled(boolean running) {
        enabled = running;
    }

    /** Key of the parent, or null for a clock without selectable parents. */
    String parent() {
        return parent;
    }

    void parent(String parentKey) {
        parent = parentKey;
    }

    /** The clock as the board file describes it, with its present values: tells one board from another. */
    String describe() {
        return BoardState.canonical(clock) + " change " + change + " rate " + rate + " enabled " + enabled + " parent " + parent;
    }
}
