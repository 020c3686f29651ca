package org.scmi.board.sim.voltage;

import java.time.Duration;
import org.scmi.api.voltage.VoltageDomain;
import org.scmi.board.sim.file.BoardState;

/**
 * One simulated supply: its description, how long a level change takes, its level and whether it
 * is on. Thread-safe: the state is volatile.
 */
final class SimulatedSupply {
    private final VoltageDomain domain;
    private final Duration delay;
    private final int levelAtStart;
    private final boolean onAtStart;
    private volatile int level;
    private volatile boolean on;

    SimulatedSupply(VoltageDomain domain, Duration delay, int level, boolean on) {
        this.domain = domain;
        this.delay = delay;
        this.levelAtStart = level;
        this.onAtStart = on;
        this.level = level;
        this.on = on;
    }

    VoltageDomain domain() {
        return domain;
    }

    Duration delay() {
        return delay;
    }

    int level() {
        return level;
    }

    void level(int microvolts) {
        level = microvolts;
    }

    boolean on() {
        return on;
    }

    void on(boolean now) {
        on = now;
    }

    /** The supply as the board file describes it: tells one board from another. */
    String describe() {
        return BoardState.canonical(domain) + " delay " + delay + " level " + levelAtStart + " on " + onAtStart;
    }
}
