package org.scmi.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each bound driver listed, by driver key, for merging every driver's resources into one
 * numbered list whose ids do not move under a guest: drivers in {@link BoundDriver} order, each
 * driver's resources in its own order. A keyed driver that goes away (its bundle being updated)
 * keeps its place and its resources, without a driver, until a driver with its key comes back; a
 * driver without a key leaves its place. Thread-safe.
 *
 * @param <D> the driver service type
 * @param <R> what a driver lists (a clock, a power domain)
 */
public final class DriverListings<D, R> {
    /** A driver's place and the resources it listed. */
    public record Listing<D, R>(BoundDriver<D> owner, List<R> resources) {
    }

    private final Map<String, Listing<D, R>> listings = new HashMap<>();

    /**
     * Gives a bound driver its place, taking over the place its key held while away.
     *
     * @return false if a present driver already holds the key: the second driver is not listed
     */
    public synchronized boolean bind(BoundDriver<D> owner, List<R> resources) {
        Listing<D, R> current = listings.get(owner.key());
        if (current != null && current.owner().present()) {
            return false;
        }
        listings.put(owner.key(), new Listing<>(owner, List.copyOf(resources)));
        return true;
    }

    /** The driver went: a keyed driver's resources stay listed without it, an unkeyed driver's go. */
    public synchronized void unbind(BoundDriver<D> owner) {
        Listing<D, R> current = listings.get(owner.key());
        if (current == null || current.owner().driver() != owner.driver()) {
            return;
        }
        if (owner.driverKey() != null) {
            listings.put(owner.key(), new Listing<>(owner.away(), current.resources()));
        } else {
            listings.remove(owner.key());
        }
    }

    /** Every place in list order: keyed drivers by key, then the others by service id. */
    public synchronized List<Listing<D, R>> ordered() {
        return listings.values().stream().sorted((a, b) -> a.owner().compareTo(b.owner())).toList();
    }
}
