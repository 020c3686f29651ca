package org.scmi.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.scmi.api.BoardResource;
import org.scmi.api.ResourceKind;
import org.scmi.api.ResourceSelection;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources of one kind as one agent sees them: its own numbering, 0..N-1, of what its
 * profile selects. An id the agent does not have is NOT_FOUND, whether it is past the end or
 * names a resource hidden from it. Immutable.
 *
 * <p>How a selection is applied: {@link ResourceSelection#everything()} takes the board's
 * resources in the board's order; a list takes each named resource in the order listed. A name is
 * a resource's key ({@code <driver key>/<resource key>}) or its name; a reference that names no
 * resource, or several by name, selects nothing (logged once per view), and so does a resource
 * listed twice after its first place. Resources named by {@link ResourceSelection#excluded()} are
 * left out either way.
 *
 * @param <E> what the protocol keeps for each resource
 */
public final class AgentResources<E extends NumberedResources.Named> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentResources.class);

    private final List<E> entries;
    private final Map<String, Integer> ids;
    private final ResourceKind kind;

    private AgentResources(List<E> entries, ResourceKind kind) {
        this.entries = List.copyOf(entries);
        this.kind = kind;
        this.ids = new HashMap<>();
        for (int id = 0; id < this.entries.size(); id++) {
            ids.put(this.entries.get(id).settingKey(), id);
        }
    }

    /**
     * Applies a selection to the board's list.
     *
     * @param profile the profile the selection comes from, for the log line of a name that selects nothing
     */
    static <E extends NumberedResources.Named> AgentResources<E> of(List<E> board, ResourceSelection selection,
            ResourceKind kind, String profile) {
        List<E> seen = new ArrayList<>();
        if (selection.everything()) {
            for (E entry : board) {
                if (!excluded(entry, selection)) {
                    seen.add(entry);
                }
            }
            return new AgentResources<>(seen, kind);
        }
        Set<E> taken = new LinkedHashSet<>();
        for (String reference : selection.listed()) {
            Optional<E> named = resolve(board, reference);
            if (named.isEmpty()) {
                LOG.warn("profile {}: no {} '{}' on the board (or several by that name); left out of the agent's view",
                        profile, kind.noun(), reference);
            } else if (excluded(named.get(), selection)) {
                LOG.warn("profile {}: {} '{}' is exclusive to another agent; left out of the agent's view",
                        profile, kind.noun(), reference);
            } else {
                taken.add(named.get());
            }
        }
        seen.addAll(taken);
        return new AgentResources<>(seen, kind);
    }

    /** The one resource a reference names ({@link ResourceSelection#resolve}). */
    static <E extends NumberedResources.Named> Optional<E> resolve(List<E> board, String reference) {
        return ResourceSelection.resolve(board, reference, NumberedResources.Named::name,
                NumberedResources.Named::settingKey);
    }

    private static boolean excluded(NumberedResources.Named entry, ResourceSelection selection) {
        for (String reference : selection.excluded()) {
            if (entry.settingKey().equals(reference) || entry.name().equals(reference)) {
                return true;
            }
        }
        return false;
    }

    /** How many resources the agent sees. */
    public int count() {
        return entries.size();
    }

    /** The resource the agent calls {@code id}; ids are whole unsigned words. NOT_FOUND if it has none. */
    public E get(int id) throws ScmiException {
        if (Integer.compareUnsigned(id, entries.size()) >= 0) {
            throw new ScmiException(ScmiStatus.NOT_FOUND, "no " + kind.noun() + " " + Integer.toUnsignedString(id));
        }
        return entries.get(id);
    }

    /** The id the agent knows the resource by (matched by setting key), or -1 if it does not see it. */
    public int idOf(NumberedResources.Named resource) {
        Integer id = ids.get(resource.settingKey());
        return id == null ? -1 : id;
    }

    /** Whether the agent sees the resource. */
    public boolean sees(NumberedResources.Named resource) {
        return ids.containsKey(resource.settingKey());
    }

    /** The resource with this setting key, if the agent sees it. */
    public Optional<E> find(String settingKey) {
        Integer id = ids.get(settingKey);
        return id == null ? Optional.empty() : Optional.of(entries.get(id));
    }

    /**
     * The resources of this view that also meet a condition, numbered again in the same order: for
     * a kind whose resources are only meaningful with others the agent sees (a pin group with all
     * of its pins).
     */
    public AgentResources<E> keep(Predicate<? super E> condition) {
        List<E> kept = entries.stream().filter(condition).toList();
        return kept.size() == entries.size() ? this : new AgentResources<>(kept, kind);
    }

    /** The resources in the agent's numbering. */
    public List<E> entries() {
        return entries;
    }

    /** The resources as profiles name them, in the agent's numbering. */
    public List<BoardResource> boardResources() {
        return entries.stream().map(e -> new BoardResource(kind, e.name(), e.settingKey())).toList();
    }
}
