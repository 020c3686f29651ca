package org.scmi.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.scmi.api.Agent;
import org.scmi.api.AgentView;
import org.scmi.api.BoardResource;
import org.scmi.api.ResourceKind;
import org.scmi.api.ResourceSelection;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiException;
import org.scmi.support.DriverListings.Listing;

/**
 * One kind of a protocol's resources, of every bound driver, as one numbered list (an immutable
 * snapshot, the board's numbering), and each agent's view of it ({@link #seenBy}): the one place
 * where a protocol turns an agent's resource id into a resource and a resource into the id that
 * agent knows it by. A protocol subclasses it with the rule that builds the list from its drivers
 * (for driver-bound resources, {@link DriverBindings}' {@code renumber}) and swaps the whole
 * snapshot when the drivers change.
 *
 * <p>Protocols never hand a board position to an agent: every lookup of an id an agent sent, every
 * list and count, and every notification goes through the agent's {@link AgentResources}, so a
 * resource the agent's profile hides does not exist for it (NOT_FOUND, absent from lists, counts
 * and notifications).
 *
 * <p>Thread-safe: the list is immutable; agents' views are built once per snapshot and profile
 * and kept with the snapshot.
 *
 * @param <E> what the protocol keeps for each resource
 */
public abstract class NumberedResources<E extends NumberedResources.Named> {
    /** Views kept per snapshot; beyond this the cache starts again (profiles changed many times). */
    private static final int MAX_CACHED_VIEWS = 64;

    private final List<E> entries;
    private final ResourceKind kind;
    private final AgentResources<E> everything;
    /** Views built so far, looked up by the identity of the agent's selection first. Guarded by this for writes. */
    private volatile CachedView<E>[] views = newViews(0);

    /** What a profile can name a resource by. */
    public interface Named {
        /** The name agents see; profiles may name the resource by it where it is unique. */
        String name();

        /** {@code <driver key>/<resource key>}: stable across restarts, what settings are kept under. */
        String settingKey();
    }

    /** A listed resource with the place of the driver that owns it. */
    public interface Listed<D> extends Named {
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

        @Override
        default String settingKey() {
            return owner().settingKey(key());
        }
    }

    private record CachedView<E extends Named>(ResourceSelection selection, AgentResources<E> resources) {
    }

    /**
     * The entries of every driver's resources in the board's order. A resource whose key its
     * driver listed already is left out and handed to {@code repeated}, so that no two entries
     * share a setting key.
     *
     * @param listings the drivers' places in list order
     * @param key a resource's key within its driver
     * @param entry makes the entry of one listed resource
     */
    protected static <D, R, E> List<E> number(List<Listing<D, R>> listings, Function<R, String> key,
            BiFunction<BoundDriver<D>, R, E> entry, BiConsumer<BoundDriver<D>, R> repeated) {
        List<E> entries = new ArrayList<>();
        for (Listing<D, R> listing : listings) {
            Set<String> keys = new HashSet<>();
            for (R resource : listing.resources()) {
                if (keys.add(key.apply(resource))) {
                    entries.add(entry.apply(listing.owner(), resource));
                } else {
                    repeated.accept(listing.owner(), resource);
                }
            }
        }
        return entries;
    }

    /**
     * @param entries in the board's order
     * @param kind what the resources are: the agent's view of this kind applies
     */
    protected NumberedResources(List<E> entries, ResourceKind kind) {
        this.entries = List.copyOf(entries);
        this.kind = kind;
        this.everything = AgentResources.of(this.entries, ResourceSelection.ALL, kind, "");
    }

    /** The resources {@code agent} sees, under the ids it knows them by. */
    public AgentResources<E> seenBy(Agent agent) {
        return seenBy(agent.view());
    }

    /** The resources an agent with this view sees, under the ids it knows them by. */
    public AgentResources<E> seenBy(AgentView view) {
        ResourceSelection selection = view.resources(kind);
        if (selection == ResourceSelection.ALL) {
            return everything;
        }
        for (CachedView<E> cached : views) {
            if (cached.selection() == selection) {
                return cached.resources();
            }
        }
        return build(selection, view.profile());
    }

    private synchronized AgentResources<E> build(ResourceSelection selection, String profile) {
        CachedView<E>[] current = views;
        AgentResources<E> resources = null;
        for (CachedView<E> cached : current) {
            if (cached.selection().equals(selection)) {
                resources = cached.resources();
                break;
            }
        }
        if (resources == null) {
            resources = AgentResources.of(entries, selection, kind, profile);
        }
        CachedView<E>[] grown = current.length >= MAX_CACHED_VIEWS ? newViews(1)
                : Arrays.copyOf(current, current.length + 1);
        grown[grown.length - 1] = new CachedView<>(selection, resources);
        views = grown;
        return resources;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Named> CachedView<E>[] newViews(int length) {
        return (CachedView<E>[]) new CachedView<?>[length];
    }

    /** The resource with this setting key, in the board's list. */
    public Optional<E> find(String settingKey) {
        return everything.find(settingKey);
    }

    /**
     * The resource a driver lists under its own key, while that driver is the one bound at its
     * place: for what a driver's listener reports (a driver being replaced may still call in).
     */
    public Optional<E> find(BoundDriver<?> owner, String key) {
        return find(owner.settingKey(key))
                .filter(entry -> entry instanceof Listed<?> listed && listed.driver() == owner.driver());
    }

    /** Every resource in the board's order: for the platform's own work, never for an agent's ids. */
    public List<E> entries() {
        return entries;
    }

    /** What the resources are. */
    public ResourceKind kind() {
        return kind;
    }

    /** What one resource is called in messages. */
    public String noun() {
        return kind.noun();
    }

    /** The board's resources as profiles name them, in the board's order. */
    public List<BoardResource> boardResources() {
        return everything.boardResources();
    }

    /** Reads a resource's state from its driver, for administration. */
    @FunctionalInterface
    public interface StateReader<E> {
        String read(E entry) throws ScmiException;
    }

    /**
     * Who holds what, for {@code ScmiProtocol.votes()}: each resource some agent holds a vote on,
     * with its state ("driver away" while its driver is, the error if the driver fails to answer).
     *
     * @param votes each agent's vote on a resource, by agent id; empty if nobody votes
     */
    public List<ResourceVotes> votes(Function<E, Map<Integer, String>> votes, StateReader<E> state) {
        List<ResourceVotes> held = new ArrayList<>();
        for (E entry : entries) {
            Map<Integer, String> of = votes.apply(entry);
            if (!of.isEmpty()) {
                held.add(new ResourceVotes(new BoardResource(kind, entry.name(), entry.settingKey()),
                        stateOf(entry, state), of));
            }
        }
        return held;
    }

    /** {@link #votes(Function, StateReader)} of the votes a shared setting keeps, each described for people. */
    public <T> List<ResourceVotes> votes(SharedSetting<T> setting, Function<? super T, String> describe,
            StateReader<E> state) {
        return votes(entry -> {
            Map<Integer, String> described = new TreeMap<>();
            setting.votes(entry.settingKey()).forEach((agentId, vote) -> described.put(agentId, describe.apply(vote)));
            return described;
        }, state);
    }

    private static <E> String stateOf(E entry, StateReader<E> state) {
        if (entry instanceof Listed<?> listed && !listed.present()) {
            return "driver away";
        }
        try {
            return state.read(entry);
        } catch (ScmiException e) {
            return e.getMessage();
        }
    }
}
