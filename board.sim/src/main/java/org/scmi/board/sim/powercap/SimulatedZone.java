package org.scmi.board.sim.powercap;

import java.util.List;
import org.scmi.api.powercap.PowercapZone;

/**
 * One simulated power capping zone: its description, the performance domains it draws through, and
 * its draw, cap and averaging interval. Thread-safe: each value is one volatile field; the board
 * changes a zone's cap under the zone's lock.
 */
final class SimulatedZone {
    private final PowercapZone zone;
    private final List<String> perfDomains;
    private volatile int draw;
    private volatile int cap;
    private volatile int interval;

    SimulatedZone(PowercapZone zone, List<String> perfDomains, int draw, int cap, int interval) {
        this.zone = zone;
        this.perfDomains = List.copyOf(perfDomains);
        this.draw = draw;
        this.cap = cap;
        this.interval = interval;
    }

    PowercapZone zone() {
        return zone;
    }

    /** Keys of the performance domains the zone itself lists. */
    List<String> perfDomains() {
        return perfDomains;
    }

    /** What the zone draws beside its performance domains, in µW. */
    int draw() {
        return draw;
    }

    void draw(int microwatts) {
        draw = microwatts;
    }

    /** The cap enforced, in µW; 0 for none. */
    int cap() {
        return cap;
    }

    void cap(int microwatts) {
        cap = microwatts;
    }

    int interval() {
        return interval;
    }

    void interval(int micros) {
        interval = micros;
    }

    /** The zone as the board file describes it, with its present values: tells one board from another. */
    String describe() {
        return zone + " domains " + perfDomains + " draw " + draw + " cap " + cap + " interval " + interval;
    }
}
