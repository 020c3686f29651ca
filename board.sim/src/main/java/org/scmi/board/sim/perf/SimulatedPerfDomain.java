package org.scmi.board.sim.perf;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.scmi.api.perf.PerfDomain;
import org.scmi.api.perf.PerfLevel;
import org.scmi.api.perf.PerfLimits;

/**
 * One simulated performance domain: its description, its level, the limits the administrator set
 * and the highest level each power capping zone lets it run at. Thread-safe: the level and the
 * administrator's limits are volatile, the zones' maxima a concurrent map; the board changes one
 * domain at a time under the domain's lock.
 */
final class SimulatedPerfDomain {
    private final PerfDomain domain;
    private final Map<String, Integer> zoneMaxima = new ConcurrentHashMap<>();
    private volatile int level;
    private volatile PerfLimits administered;

    SimulatedPerfDomain(PerfDomain domain, int level, PerfLimits administered) {
        this.domain = domain;
        this.level = level;
        this.administered = administered;
    }

    PerfDomain domain() {
        return domain;
    }

    int level() {
        return level;
    }

    void level(int newLevel) {
        level = newLevel;
    }

    /** What the domain draws at its level now, in µW. */
    int power() {
        return domain.level(level).map(PerfLevel::powerMicrowatts).orElse(0);
    }

    PerfLimits administered() {
        return administered;
    }

    void administered(PerfLimits limits) {
        administered = limits;
    }

    /** Zone {@code zoneKey} lets the domain run at most at {@code maximum}; null lifts its maximum. */
    void zoneMaximum(String zoneKey, Integer maximum) {
        if (maximum == null) {
            zoneMaxima.remove(zoneKey);
        } else {
            zoneMaxima.put(zoneKey, maximum);
        }
    }

    /**
     * The platform's limits: the administrator's, under the lowest maximum a power cap imposes. A cap
     * wins over the administrator's minimum: power is what it protects.
     */
    PerfLimits limits() {
        int max = zoneMaxima.values().stream().reduce(administered.max(), Math::min);
        return new PerfLimits(max, Math.min(administered.min(), max));
    }

    /** The domain as the board file describes it, with its present values: tells one board from another. */
    String describe() {
        return domain + " level " + level + " limits " + administered;
    }
}
