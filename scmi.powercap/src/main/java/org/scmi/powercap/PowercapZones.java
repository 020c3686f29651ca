package org.scmi.powercap;

import java.util.HashMap;
import java.util.List;
import org.scmi.api.ResourceKind;
import java.util.Map;
import org.scmi.api.powercap.PowercapDriver;
import org.scmi.api.powercap.PowercapZone;
import org.scmi.support.AgentResources;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zones of every driver as one numbered list (immutable snapshot): drivers ordered by their
 * key, each driver's zones in its own order, ids = positions (the rule documented in
 * {@code org.scmi.api.powercap}), each zone with its parent; each agent sees its own numbering of it
 * ({@link #seenBy}). Linux gives up the whole protocol when one zone names a parent it cannot find,
 * so a zone whose parent is not listed before it is offered as a root zone (logged), and so is a
 * zone whose parent the agent does not see before it ({@link #parentId}). A keyed driver that went
 * away keeps its place.
 */
final class PowercapZones extends NumberedResources<PowercapZones.Entry> {
    private static final Logger LOG = LoggerFactory.getLogger(PowercapZones.class);

    /**
     * A zone with the driver that owns it and its parent.
     *
     * @param parent the zone containing it, or null for a root zone
     */
    record Entry(BoundDriver<PowercapDriver> owner, PowercapZone zone, Entry parent)
            implements NumberedResources.Listed<PowercapDriver> {
        @Override
        public String key() {
            return zone.key();
        }

        @Override
        public String name() {
            return zone.name();
        }
    }

    static final PowercapZones EMPTY = new PowercapZones(List.of());

    private PowercapZones(List<Entry> entries) {
        super(entries, ResourceKind.POWERCAP_DOMAINS);
    }

    /** @param listings the drivers' places in list order */
    static PowercapZones of(List<Listing<PowercapDriver, PowercapZone>> listings) {
        Map<String, Entry> listed = new HashMap<>();
        return new PowercapZones(number(listings, PowercapZone::key, (owner, zone) -> {
            Entry entry = new Entry(owner, zone, parent(listed, owner, zone));
            listed.put(entry.settingKey(), entry);
            return entry;
        }, (owner, zone) -> LOG.warn("Powercap driver {} lists zone {} twice; the second is not offered",
                owner.key(), zone.key())));
    }

    private static Entry parent(Map<String, Entry> listed, BoundDriver<PowercapDriver> owner, PowercapZone zone) {
        if (zone.parentKey() == null) {
            return null;
        }
        Entry parent = listed.get(owner.settingKey(zone.parentKey()));
        if (parent == null) {
            LOG.warn("Powercap driver {}: zone {} names parent {}, which it does not list before it; offered as a root "
                    + "zone", owner.key(), zone.key(), zone.parentKey());
        }
        return parent;
    }

    /**
     * The id under which {@code seen}'s agent knows the parent of the zone it knows as
     * {@code zoneId}: {@link PowercapMessages#ROOT_ZONE} for a root zone, and for a zone whose parent
     * the agent does not see, or sees only after it (Linux looks parents up among the zones before).
     */
    static int parentId(AgentResources<Entry> seen, int zoneId, Entry zone) {
        Entry parent = zone.parent();
        if (parent == null || !seen.sees(parent)) {
            return PowercapMessages.ROOT_ZONE;
        }
        int parentId = seen.idOf(parent);
        return parentId < zoneId ? parentId : PowercapMessages.ROOT_ZONE;
    }
}
