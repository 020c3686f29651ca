package org.scmi.support;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.support.DriverListings.Listing;

/**
 * One protocol's resources of every bound driver as one numbered list, an immutable snapshot: ids
 * are positions. A protocol subclasses it with the rule that builds the list from its drivers'
 * places ({@link DriverBindings}' {@code renumber}) and swaps the whole snapshot when they change.
 *
 * @param <D> the driver service type
 * @param <E> what the protocol keeps for each resource
 */
public abstract class NumberedResources<D, E extends NumberedResources.Listed<D>> {
    private final List<E> entries;
    private final String noun;

    /** A listed resource with the place of the driver that owns it. */
    public interface Listed<D> {
        /** The resource's id: its position in the list. */
        int id();

        BoundDriver<D> owner();

        /** The resource's key within its driver. */
        String key();

        /** The driver, or null while it is away. */
        default D driver() {
            return owner().driver();
        }

        default boolean present() {
            return owner().present();
        }

        /** Stable across restarts: what per-agent settings and subscriptions are kept under. */
        default String settingKey() {
            return owner().settingKey(key());
        }
    }

    /** Makes the entry of one listed resource. */
    @FunctionalInterface
    public interface EntryFactory<D, R, E> {
        E entry(int id, BoundDriver<D> owner, R resource);
    }

    /**
     * The entries of every driver's resources in list order, ids counting from 0. A resource whose
     * key its driver listed already is left out and handed to {@code repeated}, so that no two
     * entries share a setting key.
     *
     * @param listings the drivers' places in list order
     * @param key a resource's key within its driver
     */
    protected static <D, R, E> List<E> number(List<Listing<D, R>> listings, Function<R, String> key,
            EntryFactory<D, R, E> factory, BiConsumer<BoundDriver<D>, R> repeated) {
        List<E> entries = new ArrayList<>();
        for (Listing<D, R> listing : listings) {
            Set<String> keys = new HashSet<>();
            for (R resource : listing.resources()) {
                if (keys.add(key.apply(resource))) {
                    entries.add(factory.entry(entries.size(), listing.owner(), resource));
                } else {
                    repeated.accept(listing.owner(), resource);
                }
            }
        }
        return entries;
    }

    /**
     * @param entries in id order
     * @param noun what one resource is called in error messages ("clock", "power domain")
     */
    protected NumberedResources(List<E> entries, String noun) {
        this.entries = List.copyOf(entries);
        this.noun = noun;
    }

    public int count() {
        return entries.size();
    }

    /** The resource a command names; ids are whole unsigned words. NOT_FOUND past the end. */
    public E get(int id) throws ScmiException {
        if (Integer.compareUnsigned(id, entries.size()) >= 0) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no " + noun + " " + Integer.toUnsignedString(id));
        }
        return entries.get(id);
    }

    /** The resource with this setting key, if listed. */
    public Optional<E> find(String settingKey) {
        return entries.stream().filter(e -> e.settingKey().equals(settingKey)).findFirst();
    }

    /** The resource a bound driver lists under this key, if listed. */
    public Optional<E> find(D driver, String key) {
        return entries.stream().filter(e -> e.driver() == driver && e.key().equals(key)).findFirst();
    }

    public List<E> entries() {
        return entries;
    }

    /** What one resource is called in messages. */
    public String noun() {
        return noun;
    }
}
