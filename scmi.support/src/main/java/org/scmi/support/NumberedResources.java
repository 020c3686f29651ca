package org.scmi.support;

import java.util.List;
import java.util.Optional;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;

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
