package org.scmi.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.scmi.api.Agent;
import org.scmi.api.ScmiException;
import org.scmi.support.DriverListings.Listing;
import org.slf4j.Logger;

/**
 * The driver services a protocol is bound to: their places in the protocol's resource list
 * ({@link DriverListings}), the listener each was given, and commands waiting for an absent driver
 * to come back ({@link DriverArrivals}). The protocol's dynamic driver reference delegates here and
 * keeps its own numbered view, rebuilt through {@code renumber} each time the places change.
 * Thread-safe.
 *
 * @param <D> the driver service type
 * @param <R> what a driver lists (a clock, a power domain)
 */
public final class DriverBindings<D, R> {
    private final DriverListings<D, R> listings = new DriverListings<>();
    private final DriverArrivals arrivals = new DriverArrivals();
    private final Map<D, Bound<D>> bound = new ConcurrentHashMap<>();
    private final Consumer<List<Listing<D, R>>> renumber;
    private final Logger log;
    private final String driverKind;
    private final String resourceNoun;

    /** A bound driver's place and how to take its listener off it again. */
    private record Bound<D>(BoundDriver<D> owner, Runnable stopListening) {
    }

    /**
     * @param log the protocol's logger, which reports drivers ignored and gone
     * @param driverKind what the drivers are, as a log line starts ("Clock", "Power domain")
     * @param resourceNoun what they list, in the plural ("clocks", "domains")
     * @param renumber rebuilds the protocol's numbered view from every place, in list order
     */
    public DriverBindings(Logger log, String driverKind, String resourceNoun,
            Consumer<List<Listing<D, R>>> renumber) {
        this.log = log;
        this.driverKind = driverKind;
        this.resourceNoun = resourceNoun;
        this.renumber = renumber;
    }

    /**
     * Lists a bound driver's resources in its place, then starts listening to it and wakes commands
     * waiting for it.
     *
     * @param listen gives the driver its listener; returns what takes the listener off again
     * @return false if a present driver already holds the key: the second driver is ignored (logged)
     */
    public boolean bind(BoundDriver<D> owner, List<R> resources, Supplier<Runnable> listen) {
        synchronized (this) {
            if (!listings.bind(owner, resources)) {
                log.error("{} driver key {} is already taken; ignoring the second driver", driverKind, owner.key());
                return false;
            }
            renumber.accept(listings.ordered());
        }
        bound.put(owner.driver(), new Bound<>(owner, listen.get()));
        arrivals.arrived();
        return true;
    }

    /**
     * Stops listening to a driver that went and gives up its place (a keyed driver's resources stay
     * listed without it), and logs it.
     *
     * @return the place it held, or empty if it was never bound (its key was taken)
     */
    public Optional<BoundDriver<D>> unbind(D driver) {
        Bound<D> gone = bound.remove(driver);
        if (gone == null) {
            return Optional.empty();
        }
        gone.stopListening().run();
        synchronized (this) {
            listings.unbind(gone.owner());
            renumber.accept(listings.ordered());
        }
        log.info("{} driver {} unbound{}", driverKind, gone.owner().key(), gone.owner().driverKey() != null
                ? "; its " + resourceNoun + " keep their ids and wait for it" : "");
        return Optional.of(gone.owner());
    }

    /**
     * The resource an agent's command names by its id, with its driver: NOT_FOUND for an id the
     * agent does not have; waits for a driver that is away, up to the grace period ({@link
     * DriverArrivals#awaitDriver}); HARDWARE_ERROR if it does not come back.
     *
     * @param current the protocol's snapshot, read again on each look (a returning driver replaces it)
     */
    public <E extends NumberedResources.Listed<D>> E present(Supplier<? extends NumberedResources<E>> current,
            Agent agent, int id, Duration grace) throws ScmiException {
        return present(current.get().seenBy(agent).get(id), current, grace);
    }

    /**
     * The resource, with its driver: for a protocol that looked the agent's id up itself (a view
     * built from several kinds); waits for a driver that is away as {@link #present(Supplier,
     * Agent, int, Duration)} does.
     *
     * @param entry the resource, from the agent's view of {@code current}
     */
    public <E extends NumberedResources.Listed<D>> E present(E entry, Supplier<? extends NumberedResources<E>> current,
            Duration grace) throws ScmiException {
        if (entry.present()) {
            return entry;
        }
        return arrivals.awaitDriver(() -> current.get().find(entry.settingKey()).filter(E::present).orElse(null),
                grace, "driver " + entry.owner().key() + " of " + current.get().noun() + " " + entry.name());
    }
}
