package org.scmi.reset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.reset.ResetDomain;
import org.scmi.api.reset.ResetDriver;
import org.scmi.api.reset.ResetListener;
import org.scmi.api.testing.HeldCalls;

/** Reset lines held in memory; records what the protocol asked and can block or fail on demand. */
final class TestResetDriver implements ResetDriver {
    private final List<ResetDomain> domains;
    private final Map<String, Boolean> asserted = new HashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<ResetListener> listeners = new CopyOnWriteArrayList<>();
    final HeldCalls hardware = new HeldCalls();

    TestResetDriver(ResetDomain... domains) {
        this.domains = List.of(domains);
        for (ResetDomain domain : domains) {
            asserted.put(domain.key(), false);
        }
    }

    @Override
    public List<ResetDomain> domains() {
        return new ArrayList<>(domains);
    }

    @Override
    public void reset(String domainKey, int resetState) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            asserted.put(domainKey, false);
        }
        calls.add("reset " + domainKey + " 0x" + Integer.toHexString(resetState));
    }

    @Override
    public void setAsserted(String domainKey, boolean assertLine, int resetState) throws ScmiException {
        hardware.pass();
        synchronized (this) {
            asserted.put(domainKey, assertLine);
        }
        calls.add((assertLine ? "assert " : "release ") + domainKey);
    }

    @Override
    public synchronized boolean asserted(String domainKey) throws ScmiException {
        Boolean line = asserted.get(domainKey);
        if (line == null) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, domainKey);
        }
        return line;
    }

    @Override
    public void addListener(ResetListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(ResetListener listener) {
        listeners.remove(listener);
    }
}
