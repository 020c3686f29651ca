package org.scmi.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The resources of one {@link ResourceKind} an agent sees, named as the board names them: a
 * resource's unique name, or its stable key {@code <driver key>/<resource key>}. Either every
 * resource of the kind in the board's order ({@link #everything()}), or the ones listed, numbered
 * 0..N-1 in the order listed. Resources matching {@link #excluded()} (resources another agent
 * holds exclusively) are never seen, whichever way they are selected. A name that matches no
 * resource, or several, selects nothing: the view fails closed.
 *
 * @param listed the resources in the agent's numbering, or null for every resource
 * @param excluded resources the agent never sees
 */
public record ResourceSelection(List<String> listed, Set<String> excluded) {
    /** Every resource in the board's order, nothing excluded: what an agent without a profile sees. */
    public static final ResourceSelection ALL = new ResourceSelection(null, Set.of());
    /** No resource at all. */
    public static final ResourceSelection NONE = new ResourceSelection(List.of(), Set.of());

    public ResourceSelection {
        listed = listed == null ? null : List.copyOf(listed);
        excluded = Set.copyOf(Objects.requireNonNull(excluded, "excluded"));
    }

    /** Every resource except {@code excluded}, in the board's order. */
    public static ResourceSelection allExcept(Set<String> excluded) {
        return new ResourceSelection(null, excluded);
    }

    /** The resources named, in this order, except {@code excluded}. */
    public static ResourceSelection of(List<String> listed, Set<String> excluded) {
        return new ResourceSelection(Objects.requireNonNull(listed, "listed"), excluded);
    }

    /** Whether the selection takes every resource (but the excluded ones) in the board's order. */
    public boolean everything() {
        return listed == null;
    }

    /**
     * The one resource a name selects, the rule every protocol and the profile checks share: the
     * resource whose key is {@code reference}, else the one resource whose name it is; none if
     * no resource, or several by name, answer to it.
     *
     * @param name a resource's name
     * @param key a resource's key, {@code <driver key>/<resource key>}
     */
    public static <T> Optional<T> resolve(List<T> resources, String reference, Function<? super T, String> name,
            Function<? super T, String> key) {
        T byName = null;
        int named = 0;
        for (T resource : resources) {
            if (key.apply(resource).equals(reference)) {
                return Optional.of(resource);
            }
            if (name.apply(resource).equals(reference)) {
                byName = resource;
                named++;
            }
        }
        return named == 1 ? Optional.of(byName) : Optional.empty();
    }
}
