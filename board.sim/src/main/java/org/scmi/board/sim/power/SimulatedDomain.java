package org.scmi.board.sim.power;

import java.time.Duration;
import org.scmi.api.power.PowerDomain;
import org.scmi.board.sim.file.BoardState;

/**
 * One simulated power domain: its description, how long a transition takes, and its state.
 * Thread-safe: the state is one volatile word.
 */
final class SimulatedDomain {
    private final PowerDomain domain;
    private final Duration transition;
    private volatile int state;

    SimulatedDomain(PowerDomain domain, Duration transition, int initialState) {
        if (domain.rank(initialState) < 0) {
            throw new IllegalArgumentException("domain " + domain.key() + " has no state " + initialState);
        }
        this.domain = domain;
        this.transition = transition;
        this.state = initialState;
    }

    PowerDomain domain() {
        return domain;
    }

    Duration transition() {
        return transition;
    }

    int state() {
        return state;
    }

    void state(int newState) {
        state = newState;
    }

    /** The domain as the board file describes it, with its present state: tells one board from another. */
    String describe() {
        return BoardState.canonical(domain) + " transition " + transition + " state " + state;
    }
}
