package org.scmi.power;

import java.util.List;
import org.scmi.api.ResourceKind;
import org.scmi.api.power.PowerDomain;
import org.scmi.api.power.PowerDomainDriver;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domains of every driver as one numbered list (immutable snapshot): drivers ordered by their
 * key, each driver's domains in its own order, the board's ids = positions (the rule documented in
 * {@code org.scmi.api.power}); each agent sees its own numbering of it ({@link #seenBy}). A keyed driver that went away (its bundle being updated) keeps its
 * place: its domains stay listed without a driver, so no other domain's id moves under a guest,
 * and commands that need the hardware wait for the driver to come back.
 */
final class PowerDomains extends NumberedResources<PowerDomains.Entry> {
    private static final Logger LOG = LoggerFactory.getLogger(PowerDomains.class);

    /** A domain with the driver that owns it. */
    record Entry(BoundDriver<PowerDomainDriver> owner, PowerDomain domain)
            implements NumberedResources.Listed<PowerDomainDriver> {
        @Override
        public String key() {
            return domain.key();
        }

        @Override
        public String name() {
            return domain.name();
        }
    }

    static final PowerDomains EMPTY = new PowerDomains(List.of());

    private PowerDomains(List<Entry> entries) {
        super(entries, ResourceKind.POWER_DOMAINS);
    }

    /** @param listings the drivers' places in list order */
    static PowerDomains of(List<Listing<PowerDomainDriver, PowerDomain>> listings) {
        return new PowerDomains(number(listings, PowerDomain::key, Entry::new, (owner, domain) -> LOG.warn(
                "Power domain driver {} lists domain {} twice; the second is not offered", owner.key(), domain.key())));
    }
}
