package org.scmi.perf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.perf.PerfDomain;
import org.scmi.api.perf.PerfDriver;
import org.scmi.api.perf.PerfLimits;
import org.scmi.api.perf.PerfListener;
import org.scmi.api.testing.HeldCalls;

/**
 * Performance domains held in memory, each starting at its lowest level with no platform limits;
 * records the levels the protocol set and can block or fail on demand. Its hardware enforces the
 * platform's limits as a real one does: it moves the level into new limits itself and reports that
 * before the limits.
 */
final class TestPerfDriver implements PerfDriver {
    private final List<PerfDomain> domains;
    private final Map<String, Integer> levels = new HashMap<>();
    private final Map<String, PerfLimits> limits = new HashMap<>();
    final List<String> sets = new CopyOnWriteArrayList<>();
    final List<PerfListener> listeners = new CopyOnWriteArrayList<>();
    final HeldCalls hardware = new HeldCalls();

    TestPerfDriver(PerfDomain... domains) {
        this.domains = List.of(domains);
        for (PerfDomain domain : domains) {
            levels.put(domain.key(), domain.levels().getFirst().value());
            limits.put(domain.key(), domain.fullRange());
        }
    }

    @Override
    public List<PerfDomain> domains() {
        return domains;
    }

    @Override
    public synchronized int level(String domainKey) throws ScmiException {
        Integer level = levels.get(domainKey);
        if (level == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, domainKey);
        }
        return level;
    }

    @Override
    public void setLevel(String domainKey, int level) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            if (!limits.get(domainKey).contains(level)) {
                throw new AssertionError("level " + level + " set outside the platform's limits of " + domainKey);
            }
            levels.put(domainKey, level);
        }
        sets.add(domainKey + "=" + level);
    }

    @Override
    public synchronized PerfLimits limits(String domainKey) {
        return limits.get(domainKey);
    }

    /** The platform moves a domain itself. */
    void platformSetsLevel(String domainKey, int level) {
        synchronized (this) {
            levels.put(domainKey, level);
        }
        listeners.forEach(l -> l.levelChanged(domainKey, level));
    }

    /** The platform changes its limits, moving the level into them first. */
    void platformLimits(String domainKey, PerfLimits newLimits) {
        int level;
        boolean moved;
        synchronized (this) {
            limits.put(domainKey, newLimits);
            level = newLimits.clamp(levels.get(domainKey));
            moved = level != levels.put(domainKey, level);
        }
        if (moved) {
            listeners.forEach(l -> l.levelChanged(domainKey, level));
        }
        listeners.forEach(l -> l.limitsChanged(domainKey, newLimits));
    }

    @Override
    public void addListener(PerfListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(PerfListener listener) {
        listeners.remove(listener);
    }
}
