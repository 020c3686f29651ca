package org.scmi.power;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.power.PowerDomain;
import org.scmi.api.power.PowerDomainDriver;
import org.scmi.api.power.PowerDomainListener;
import org.scmi.api.testing.HeldCalls;

/** Domains held in memory; records what the protocol asked and can block or fail on demand. */
final class TestPowerDriver implements PowerDomainDriver {
    private final List<PowerDomain> domains;
    private final Map<String, Integer> states = new HashMap<>();
    final List<String> sets = new CopyOnWriteArrayList<>();
    final List<PowerDomainListener> listeners = new CopyOnWriteArrayList<>();
    final HeldCalls hardware = new HeldCalls();

    TestPowerDriver(PowerDomain... domains) {
        this.domains = List.of(domains);
        for (PowerDomain domain : domains) {
            states.put(domain.key(), domain.states().getFirst());
        }
    }

    @Override
    public List<PowerDomain> domains() {
        return new ArrayList<>(domains);
    }

    @Override
    public synchronized int state(String domainKey) throws ScmiException {
        Integer state = states.get(domainKey);
        if (state == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, domainKey);
        }
        return state;
    }

    @Override
    public void setState(String domainKey, int state) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            states.put(domainKey, state);
        }
        sets.add(domainKey + "=" + Integer.toHexString(state));
    }

    /** The platform changes a state behind the protocol's back. */
    void platformSets(String domainKey, int state) {
        synchronized (this) {
            states.put(domainKey, state);
        }
        listeners.forEach(l -> l.stateChanged(domainKey, state));
    }

    @Override
    public void addListener(PowerDomainListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(PowerDomainListener listener) {
        listeners.remove(listener);
    }
}
