package org.scmi.clock;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.api.ScmiException;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockDriver;
import org.scmi.api.clock.ClockListener;
import org.scmi.api.testing.HeldCalls;

/** Clocks held in memory; records what the protocol asked and can block or fail on demand. */
final class TestClockDriver implements ClockDriver {
    private final List<Clock> clocks;
    private final Map<String, Long> rates = new HashMap<>();
    private final Map<String, Boolean> enabled = new HashMap<>();
    private final Map<String, String> parents = new HashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<ClockListener> listeners = new CopyOnWriteArrayList<>();
    final HeldCalls hardware = new HeldCalls();

    TestClockDriver(Clock... clocks) {
        this.clocks = List.of(clocks);
        for (Clock clock : clocks) {
            rates.put(clock.key(), clock.rates().min());
            enabled.put(clock.key(), false);
            if (!clock.parents().isEmpty()) {
                parents.put(clock.key(), clock.parents().getFirst());
            }
        }
    }

    @Override
    public List<Clock> clocks() {
        return clocks;
    }

    @Override
    public synchronized long rate(String clockKey) {
        return rates.get(clockKey);
    }

    @Override
    public void setRate(String clockKey, long rate) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            rates.put(clockKey, rate);
        }
        calls.add(clockKey + " rate " + rate);
    }

    @Override
    public synchronized boolean enabled(String clockKey) {
        return enabled.get(clockKey);
    }

    @Override
    public void setEnabled(String clockKey, boolean on) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            enabled.put(clockKey, on);
        }
        calls.add(clockKey + (on ? " on" : " off"));
    }

    @Override
    public synchronized String parent(String clockKey) {
        return parents.get(clockKey);
    }

    @Override
    public void setParent(String clockKey, String parentKey) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            parents.put(clockKey, parentKey);
        }
        calls.add(clockKey + " parent " + parentKey);
    }

    /** Starts the clock as the board does at power-on, behind the protocol's back. */
    synchronized void startsEnabled(String clockKey) {
        enabled.put(clockKey, true);
    }

    /** The platform changes a rate itself. */
    void platformSetsRate(String clockKey, long rate) {
        synchronized (this) {
            rates.put(clockKey, rate);
        }
        listeners.forEach(l -> l.rateChanged(clockKey, rate));
    }

    @Override
    public void addListener(ClockListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(ClockListener listener) {
        listeners.remove(listener);
    }
}
