package org.scmi.voltage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.api.ScmiException;
import org.scmi.api.voltage.VoltageDomain;
import org.scmi.api.voltage.VoltageDriver;
import org.scmi.api.voltage.VoltageLevels;
import org.scmi.api.voltage.VoltageListener;
import org.scmi.api.testing.HeldCalls;

/** Supplies held in memory, each at its lowest level and on; records what the protocol asked. */
final class TestVoltageDriver implements VoltageDriver {
    private final List<VoltageDomain> domains;
    private final Map<String, Integer> levels = new HashMap<>();
    private final Map<String, Boolean> on = new HashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<VoltageListener> listeners = new CopyOnWriteArrayList<>();
    final HeldCalls hardware = new HeldCalls();

    TestVoltageDriver(VoltageDomain... domains) {
        this.domains = List.of(domains);
        for (VoltageDomain domain : domains) {
            levels.put(domain.key(), switch (domain.levels()) {
                case VoltageLevels.Discrete discrete -> discrete.microvolts().getFirst();
                case VoltageLevels.Range range -> range.low();
            });
            on.put(domain.key(), true);
        }
    }

    @Override
    public List<VoltageDomain> domains() {
        return new ArrayList<>(domains);
    }

    @Override
    public synchronized int level(String domainKey) {
        return levels.get(domainKey);
    }

    @Override
    public void setLevel(String domainKey, int microvolts) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            levels.put(domainKey, microvolts);
        }
        calls.add(domainKey + "=" + microvolts);
    }

    @Override
    public synchronized boolean on(String domainKey) {
        return on.get(domainKey);
    }

    @Override
    public void setOn(String domainKey, boolean switchOn) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            on.put(domainKey, switchOn);
        }
        calls.add(domainKey + (switchOn ? " on" : " off"));
    }

    /** The platform switches a supply behind the protocol's back. */
    void platformSwitches(String domainKey, boolean switchOn) {
        synchronized (this) {
            on.put(domainKey, switchOn);
        }
        listeners.forEach(listener -> listener.onChanged(domainKey, switchOn));
    }

    @Override
    public void addListener(VoltageListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(VoltageListener listener) {
        listeners.remove(listener);
    }
}
