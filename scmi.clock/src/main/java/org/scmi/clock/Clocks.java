package org.scmi.clock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.clock.Clock;
import org.scmi.api.clock.ClockDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clocks of every bound driver as one numbered list (immutable snapshot): drivers ordered by
 * their key, each driver's clocks in its own order, ids = positions (the rule documented in
 * {@code org.scmi.api.clock}). Names are unique in the list: Linux registers every SCMI clock in
 * the guest's one clock name space, so a clock repeating a name is left out (and logged).
 */
final class Clocks {
    private static final Logger LOG = LoggerFactory.getLogger(Clocks.class);

    /**
     * A clock with its id, the driver that owns it and the ids of its possible parents.
     *
     * @param parentIds ids of {@link Clock#parents()} in the same order, parents missing from the
     *     list left out
     */
    record Entry(int id, BoundDriver owner, Clock clock, List<Integer> parentIds) {
        ClockDriver driver() {
            return owner.driver();
        }

        String key() {
            return clock.key();
        }

        /** Stable across restarts: what per-agent settings and subscriptions are kept under. */
        String settingKey() {
            return owner.key() + "/" + clock.key();
        }
    }

    static final Clocks EMPTY = new Clocks(List.of());

    private final List<Entry> entries;

    private Clocks(List<Entry> entries) {
        this.entries = entries;
    }

    static Clocks of(Collection<BoundDriver> drivers) {
        List<BoundDriver> ordered = drivers.stream().sorted().toList();
        Set<String> names = new HashSet<>();
        List<Clock> clocks = new ArrayList<>();
        List<BoundDriver> owners = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (BoundDriver owner : ordered) {
            for (Clock clock : owner.driver().clocks()) {
                String settingKey = owner.key() + "/" + clock.key();
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
            BoundDriver owner = owners.get(id);
            List<Integer> parentIds = clocks.get(id).parents().stream()
                    .map(parent -> ids.get(owner.key() + "/" + parent)).filter(parentId -> parentId != null).toList();
            entries.add(new Entry(id, owner, clocks.get(id), parentIds));
        }
        return new Clocks(List.copyOf(entries));
    }

    int count() {
        return entries.size();
    }

    /** The clock a command names; ids are whole unsigned words. */
    Entry get(int clockId) throws ScmiException {
        if (Integer.compareUnsigned(clockId, entries.size()) >= 0) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no clock " + Integer.toUnsignedString(clockId));
        }
        return entries.get(clockId);
    }

    Optional<Entry> find(ClockDriver driver, String clockKey) {
        return entries.stream().filter(e -> e.driver() == driver && e.key().equals(clockKey)).findFirst();
    }

    List<Entry> entries() {
        return entries;
    }
}
