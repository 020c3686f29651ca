package org.scmi.powercap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.scmi.api.powercap.PowercapDriver;
import org.scmi.api.powercap.PowercapZone;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zones of every driver as one numbered list (immutable snapshot): drivers ordered by their
 * key, each driver's zones in its own order, ids = positions (the rule documented in
 * {@code org.scmi.api.powercap}), each zone with the id of its parent. Linux gives up the whole
 * protocol when one zone names a parent it cannot find, so a zone whose parent is not listed before
 * it is offered as a root zone (logged). A keyed driver that went away keeps its place.
 */
final class PowercapZones extends NumberedResources<PowercapDriver, PowercapZones.Entry> {
    private static final Logger LOG = LoggerFactory.getLogger(PowercapZones.class);

    /**
     * A zone with its id, the driver that owns it and its parent.
     *
     * @param parentId the id of the zone containing it, or {@link PowercapMessages#ROOT_ZONE}
     */
    record Entry(int id, BoundDriver<PowercapDriver> owner, PowercapZone zone, int parentId)
            implements NumberedResources.Listed<PowercapDriver> {
        @Override
        public String key() {
            return zone.key();
        }
    }

    static final PowercapZones EMPTY = new PowercapZones(List.of());

    private PowercapZones(List<Entry> entries) {
        super(entries, "powercap zone");
    }

    /** @param listings the drivers' places in list order */
    static PowercapZones of(List<Listing<PowercapDriver, PowercapZone>> listings) {
        Map<String, Integer> ids = new HashMap<>();
        return new PowercapZones(number(listings, PowercapZone::key, (id, owner, zone) -> {
            ids.put(owner.settingKey(zone.key()), id);
            return new Entry(id, owner, zone, parentId(ids, owner, zone));
        }, (owner, zone) -> LOG.warn("Powercap driver {} lists zone {} twice; the second is not offered",
                owner.key(), zone.key())));
    }

    private static int parentId(Map<String, Integer> ids, BoundDriver<PowercapDriver> owner, PowercapZone zone) {
        if (zone.parentKey() == null) {
            return PowercapMessages.ROOT_ZONE;
        }
        Integer parent = ids.get(owner.settingKey(zone.parentKey()));
        if (parent == null) {
            LOG.warn("Powercap driver {}: zone {} names parent {}, which it does not list before it; offered as a root "
                    + "zone", owner.key(), zone.key(), zone.parentKey());
            return PowercapMessages.ROOT_ZONE;
        }
        return parent;
    }
}
