package org.scmi.reset;

import java.util.List;
import org.scmi.api.ResourceKind;
import org.scmi.api.reset.ResetDomain;
import org.scmi.api.reset.ResetDriver;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reset domains of every driver as one numbered list (immutable snapshot): drivers ordered by
 * their key, each driver's domains in its own order, the board's ids = positions (the rule
 * documented in {@code org.scmi.api.reset}); each agent sees its own numbering of it
 * ({@link #seenBy}). A keyed driver that went away keeps its place, so no other domain's
 * id moves under a guest, and commands that need the hardware wait for it to come back.
 */
final class ResetDomains extends NumberedResources<ResetDomains.Entry> {
    private static final Logger LOG = LoggerFactory.getLogger(ResetDomains.class);

    /** A domain with the driver that owns it. */
    record Entry(BoundDriver<ResetDriver> owner, ResetDomain domain)
            implements NumberedResources.Listed<ResetDriver> {
        @Override
        public String key() {
            return domain.key();
        }

        @Override
        public String name() {
            return domain.name();
        }
    }

    static final ResetDomains EMPTY = new ResetDomains(List.of());

    private ResetDomains(List<Entry> entries) {
        super(entries, ResourceKind.RESET_DOMAINS);
    }

    /** @param listings the drivers' places in list order */
    static ResetDomains of(List<Listing<ResetDriver, ResetDomain>> listings) {
        return new ResetDomains(number(listings, ResetDomain::key, Entry::new, (owner, domain) -> LOG.warn(
                "Reset driver {} lists domain {} twice; the second is not offered", owner.key(), domain.key())));
    }
}
