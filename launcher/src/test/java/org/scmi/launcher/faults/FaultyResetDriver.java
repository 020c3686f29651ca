package org.scmi.launcher.faults;

import java.util.List;
import java.util.Set;
import org.scmi.api.ScmiException;
import org.scmi.api.reset.ResetDomain;
import org.scmi.api.reset.ResetDriver;
import org.scmi.api.reset.ResetListener;

/** A board driver with one reset domain, {@value #DOMAIN_NAME}, whose every reset runs {@code fault}. */
class FaultyResetDriver implements ResetDriver {
    static final String DOMAIN_NAME = "faulty_rst";

    private final Runnable fault;

    FaultyResetDriver(Runnable fault) {
        this.fault = fault;
    }

    @Override
    public List<ResetDomain> domains() {
        return List.of(new ResetDomain("line", DOMAIN_NAME, 10, false, Set.of()));
    }

    @Override
    public void reset(String domainKey, int resetState) throws ScmiException {
        fault.run();
    }

    @Override
    public void setAsserted(String domainKey, boolean asserted, int resetState) throws ScmiException {
        fault.run();
    }

    @Override
    public boolean asserted(String domainKey) {
        return false;
    }

    @Override
    public void addListener(ResetListener listener) {
    }

    @Override
    public void removeListener(ResetListener listener) {
    }
}
