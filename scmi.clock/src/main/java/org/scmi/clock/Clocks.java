package org.scmi.clock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockDriver;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clocks of every driver as one numbered list (immutable snapshot): drivers ordered by their
 * key, each driver's clocks in its own order, ids = positions (the rule documented in
 * {@code org.scmi.api.clock}). Names are unique in the list: Linux registers every SCMI clock in
 * the guest's one clock name space, so a clock repeating a name is left out (and logged). A keyed
 * driver that went away (its bundle being updated) keeps its place: its clocks stay listed without
 * a driver, so no other clock's id moves under a guest, and commands that need the hardware wait
 * for the driver to come back.
 */
final class Clocks extends NumberedResources<ClockDriver, Clocks.Entry> {
    private static final Logger LOG = LoggerFactory.getLogger(Clocks.class);

    /**
     * A clock with its id, the driver that owns it and the ids of its possible parents.
     *
     * @param parentIds ids of {@link Clock#parents()} in the same order, parents missing from the
     *     list left out
     */
    record Entry(int id, BoundDriver<ClockDriver> owner, Clock clock, List<Integer> parentIds)
            implements NumberedResources.Listed<ClockDriver> {
        @Override
        public String key() {
            return clock.key();
        }
    }

    static final Clocks EMPTY = new Clocks(List.of());

    private Clocks(List<Entry> entries) {
        super(entries, "clock");
    }

    /** @param listings the drivers' places in list order */
    static Clocks of(List<Listing<ClockDriver, Clock>> listings) {
        Set<String> names = new HashSet<>();
        List<Clock> clocks = new ArrayList<>();
        List<BoundDriver<ClockDriver>> owners = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (Listing<ClockDriver, Clock> listing : listings) {
            BoundDriver<ClockDriver> owner = listing.owner();
            for (Clock clock : listing.resources()) {
                String settingKey = owner.settingKey(clock.key());
                if (ids.containsKey(settingKey) || !names.add(clock.name())) {
                    LOG.warn("Clock driver {}: clock {} repeats a key or the name \"{}\"; it is not offered",
                            owner.key(), clock.key(), clock.name());
                    continue;
                }
                ids.put(settingKey, clocks.size());
                clocks.add(clock);
                owners.add(owner);
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (int id = 0; id < clocks.size(); id++) {
            BoundDriver<ClockDriver> owner = owners.get(id);
            List<Integer> parentIds = clocks.get(id).parents().stream()
                    .map(parent -> ids.get(owner.settingKey(parent))).filter(parentId -> parentId != null).toList();
            entries.add(new Entry(id, owner, clocks.get(id), parentIds));
        }
        return new Clocks(entries);
    }
}
