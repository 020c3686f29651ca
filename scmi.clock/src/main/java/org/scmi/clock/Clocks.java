package org.scmi.clock;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.scmi.api.ResourceKind;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockDriver;
import org.scmi.support.BoundDriver;
import org.scmi.support.DriverListings.Listing;
import org.scmi.support.NumberedResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clocks of every driver as one numbered list (immutable snapshot): drivers ordered by their
 * key, each driver's clocks in its own order, the board's ids = positions (the rule documented in
 * {@code org.scmi.api.clock}); each agent sees its own numbering of it ({@link #seenBy}). Names
 * are unique in the list: Linux registers every SCMI clock in the guest's one clock name space, so
 * a clock repeating a name is left out (and logged). A keyed driver that went away (its bundle
 * being updated) keeps its place: its clocks stay listed without a driver, so no other clock's id
 * moves under a guest, and commands that need the hardware wait for the driver to come back.
 */
final class Clocks extends NumberedResources<Clocks.Entry> {
    private static final Logger LOG = LoggerFactory.getLogger(Clocks.class);

    /**
     * A clock with the driver that owns it and its possible parents.
     *
     * @param parentKeys setting keys of {@link Clock#parents()} in the same order, parents missing
     *     from the list left out
     */
    record Entry(BoundDriver<ClockDriver> owner, Clock clock, List<String> parentKeys)
            implements NumberedResources.Listed<ClockDriver> {
        @Override
        public String key() {
            return clock.key();
        }

        @Override
        public String name() {
            return clock.name();
        }
    }

    static final Clocks EMPTY = new Clocks(List.of());

    private Clocks(List<Entry> entries) {
        super(entries, ResourceKind.CLOCKS);
    }

    /** @param listings the drivers' places in list order */
    static Clocks of(List<Listing<ClockDriver, Clock>> listings) {
        Set<String> names = new HashSet<>();
        Set<String> keys = new HashSet<>();
        List<Clock> clocks = new ArrayList<>();
        List<BoundDriver<ClockDriver>> owners = new ArrayList<>();
        for (Listing<ClockDriver, Clock> listing : listings) {
            BoundDriver<ClockDriver> owner = listing.owner();
            for (Clock clock : listing.resources()) {
                if (!keys.add(owner.settingKey(clock.key())) || !names.add(clock.name())) {
                    LOG.warn("Clock driver {}: clock {} repeats a key or the name \"{}\"; it is not offered",
                            owner.key(), clock.key(), clock.name());
                    continue;
                }
                clocks.add(clock);
                owners.add(owner);
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (int id = 0; id < clocks.size(); id++) {
            BoundDriver<ClockDriver> owner = owners.get(id);
            List<String> parentKeys = clocks.get(id).parents().stream().map(owner::settingKey)
                    .filter(keys::contains).toList();
            entries.add(new Entry(owner, clocks.get(id), parentKeys));
        }
        return new Clocks(entries);
    }
}
