package org.scmi.voltage;

import java.util.List;
import org.scmi.api.ResourceKind;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.scmi.api.voltage.VoltageDomain;
import org.scmi.api.voltage.VoltageDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The voltage domains of every driver as one numbered list (immutable snapshot): drivers ordered by
 * their key, each driver's domains in its own order, the board's ids = positions (the rule
 * documented in {@code org.scmi.api.voltage}); each agent sees its own numbering of it
 * ({@link #seenBy}). A keyed driver that went away keeps its place, so no other domain's
 * id moves under a guest, and commands that need the hardware wait for it to come back.
 */
final class VoltageDomains extends NumberedResources<VoltageDomains.Entry> {
    private static final Logger LOG = LoggerFactory.getLogger(VoltageDomains.class);

    /** A domain with the driver that owns it. */
    record Entry(BoundDriver<VoltageDriver> owner, VoltageDomain domain)
            implements NumberedResources.Listed<VoltageDriver> {
        @Override
        public String key() {
            return domain.key();
        }

        @Override
        public String name() {
            return domain.name();
        }
    }

    static final VoltageDomains EMPTY = new VoltageDomains(List.of());

    private VoltageDomains(List<Entry> entries) {
        super(entries, ResourceKind.VOLTAGE_DOMAINS);
    }

    /** @param listings the drivers' places in list order */
    static VoltageDomains of(List<Listing<VoltageDriver, VoltageDomain>> listings) {
        return new VoltageDomains(number(listings, VoltageDomain::key, Entry::new, (owner, domain) -> LOG.warn(
                "Voltage driver {} lists domain {} twice; the second is not offered", owner.key(), domain.key())));
    }
}
