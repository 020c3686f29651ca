package org.scmi.perf;

import java.util.List;
import org.scmi.api.perf.PerfDomain;
import org.scmi.api.perf.PerfDriver;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The performance domains of every driver as one numbered list (immutable snapshot): drivers
 * ordered by their key, each driver's domains in its own order, ids = positions (the rule documented
 * in {@code org.scmi.api.perf}). A keyed driver that went away keeps its place: its domains stay
 * listed without a driver, and commands that need the hardware wait for it to come back.
 */
final class PerfDomains extends NumberedResources<PerfDriver, PerfDomains.Entry> {
    private static final Logger LOG = LoggerFactory.getLogger(PerfDomains.class);

    /** A domain with its id and the driver that owns it. */
    record Entry(int id, BoundDriver<PerfDriver> owner, PerfDomain domain)
            implements NumberedResources.Listed<PerfDriver> {
        @Override
        public String key() {
            return domain.key();
        }
    }

    static final PerfDomains EMPTY = new PerfDomains(List.of());

    private PerfDomains(List<Entry> entries) {
        super(entries, "performance domain");
    }

    /** @param listings the drivers' places in list order */
    static PerfDomains of(List<Listing<PerfDriver, PerfDomain>> listings) {
        return new PerfDomains(number(listings, PerfDomain::key, Entry::new, (owner, domain) -> LOG.warn(
                "Performance domain driver {} lists domain {} twice; the second is not offered", owner.key(),
                domain.key())));
    }
}
