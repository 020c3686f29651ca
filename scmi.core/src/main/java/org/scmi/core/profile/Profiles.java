package org.scmi.core.profile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.scmi.api.AgentView;
import org.scmi.api.BoardResource;
import org.scmi.api.ResourceKind;
import org.scmi.api.ResourceSelection;
import org.scmi.virtio.device.GuestIdentity;

/**
 * The agent profiles in force: checked together, matched to guests as they come up, and turned
 * into the {@link AgentView} each agent is served with. Immutable: a configuration change builds a
 * new instance.
 *
 * <p><b>Restricted or not.</b> Without any profile configuration every guest is its own agent and
 * sees the whole board ({@link AgentView#EVERYTHING}), as an embedded single-board set-up expects.
 * Once any profile is configured the platform is restricted and fails closed: a guest is served
 * only with a profile of its own, or with the default profile if one is named; otherwise it is
 * refused, and so is a guest whose own profile was rejected.
 *
 * <p><b>Which profile a guest gets.</b> A Xen guest whose VM UUID a profile names ({@code xenUuid})
 * gets that profile. Otherwise a guest gets the profile whose agent name equals its name (the
 * vhost-user socket's agent name; the Xen domain's name, or the {@code name=} of a static device),
 * unless that profile names a VM UUID and the guest has a different one. Never by Xen domain id.
 * A guest with its own profile is the profile's agent: the same agent id and state whatever
 * socket, transport or domain it comes through, one guest at a time.
 */
public final class Profiles {
    /** Key prefix of a profile's agent in the agent registry. */
    public static final String PROFILE_KEY = "profile:";
    /** No profile configured: every guest sees everything. */
    public static final Profiles UNRESTRICTED = new Profiles(false, List.of(), null, Set.of());

    private final boolean restricted;
    private final Map<String, Profile> byName = new LinkedHashMap<>();
    private final Map<String, AgentView> views = new HashMap<>();
    private final Profile defaultProfile;
    private final Set<String> rejectedNames;

    /**
     * How a guest is served, or why it is refused.
     *
     * @param key the agent's identity in the registry: the profile's for a guest with its own
     *     profile, else the guest's transport identity
     * @param name the agent name
     * @param profile the profile whose view it gets (its own or the default), null when unrestricted
     * @param view what it sees
     * @param ownProfile whether the profile is the guest's own (not the default)
     * @param refusal why the guest is refused, or null when it is served
     */
    public record Admission(String key, String name, Profile profile, AgentView view, boolean ownProfile,
            String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    /**
     * @param restricted whether profiles are configured at all (even if none was accepted)
     * @param profiles the accepted profiles, checked together already
     * @param defaultProfile the profile for guests without one, or null
     * @param rejectedNames agent names of profiles that were rejected: their guests are refused
     */
    public Profiles(boolean restricted, Collection<Profile> profiles, Profile defaultProfile, Set<String> rejectedNames) {
        this.restricted = restricted;
        profiles.forEach(profile -> byName.put(profile.name(), profile));
        this.defaultProfile = defaultProfile;
        this.rejectedNames = Set.copyOf(rejectedNames);
        profiles.forEach(profile -> views.put(profile.name(), buildView(profile)));
    }

    public boolean restricted() {
        return restricted;
    }

    public Collection<Profile> profiles() {
        return byName.values();
    }

    /** Agent names whose guests are refused because their profile was rejected. */
    public Set<String> rejectedNames() {
        return rejectedNames;
    }

    public Optional<Profile> defaultProfile() {
        return Optional.ofNullable(defaultProfile);
    }

    public Optional<Profile> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The view of an accepted profile's agents (one instance per profile and configuration). */
    public AgentView view(Profile profile) {
        return views.get(profile.name());
    }

    /** The profile a guest is served with and as which agent, or why it is refused. */
    public Admission admit(GuestIdentity guest) {
        if (!restricted) {
            return new Admission(guest.key(), guest.name(), null, AgentView.EVERYTHING, false, null);
        }
        Optional<Profile> own = own(guest);
        if (own.isPresent()) {
            Profile profile = own.get();
            return new Admission(PROFILE_KEY + profile.name(), profile.name(), profile, view(profile), true, null);
        }
        if (rejectedNames.contains(guest.name())) {
            return refusal(guest, "its profile was rejected (see the log or 'scmi:profiles')");
        }
        if (defaultProfile != null) {
            return new Admission(guest.key(), guest.name(), defaultProfile, view(defaultProfile), false, null);
        }
        return refusal(guest, "no profile is configured for it (agent name '" + guest.name() + "'"
                + (guest.uuid().isEmpty() ? "" : ", VM UUID " + guest.uuid())
                + ") and no default profile is named in org.scmi.agents");
    }

    private static Admission refusal(GuestIdentity guest, String reason) {
        return new Admission(guest.key(), guest.name(), null, AgentView.NOTHING, false, reason);
    }

    private Optional<Profile> own(GuestIdentity guest) {
        if (!guest.uuid().isEmpty()) {
            for (Profile profile : byName.values()) {
                if (profile.xenUuid().equalsIgnoreCase(guest.uuid())) {
                    return Optional.of(profile);
                }
            }
        }
        Profile named = byName.get(guest.name());
        if (named != null && (named.xenUuid().isEmpty() || guest.uuid().isEmpty())) {
            return Optional.of(named);
        }
        return Optional.empty();
    }

    private AgentView buildView(Profile profile) {
        Map<ResourceKind, ResourceSelection> selections = new HashMap<>();
        profile.resources().forEach((kind, listed) -> {
            Set<String> excluded = exclusiveToOthers(profile, kind);
            selections.put(kind, listed == null ? ResourceSelection.allExcept(excluded)
                    : ResourceSelection.of(listed, excluded));
        });
        return new AgentView(profile.name(), profile.trusted(), profile.protocols(), selections,
                ResourceSelection.NONE);
    }

    /** What other profiles hold exclusively of one kind, as they name it. */
    private Set<String> exclusiveToOthers(Profile profile, ResourceKind kind) {
        Set<String> excluded = new HashSet<>();
        for (Profile other : byName.values()) {
            if (other != profile) {
                excluded.addAll(exclusiveOf(other, kind));
            }
        }
        return excluded;
    }

    /** The exclusive resources a profile lists under one kind. */
    static Set<String> exclusiveOf(Profile profile, ResourceKind kind) {
        List<String> listed = profile.resources().get(kind);
        Set<String> exclusive = new HashSet<>();
        if (listed != null) {
            for (String reference : profile.exclusive()) {
                if (listed.contains(reference)) {
                    exclusive.add(reference);
                }
            }
        }
        return exclusive;
    }

    /**
     * Problems of a profile next to the others in force, as the configuration names them: an
     * agent name or VM UUID another profile has, a resource two profiles hold exclusively, a
     * resource listed by one profile and held exclusively by another. With the board's resources
     * ({@code board}: per kind, the resources the protocol offers; a kind missing is not checked),
     * names are resolved first, so two spellings of one resource are one resource, and a name that
     * is not on the board, or that several resources have, is a problem too.
     */
    public static List<String> problems(Profile profile, Collection<Profile> others,
            Map<ResourceKind, List<BoardResource>> board) {
        List<String> problems = new ArrayList<>();
        for (Profile other : others) {
            if (other.pid().equals(profile.pid())) {
                continue;
            }
            if (other.name().equals(profile.name())) {
                problems.add(profile.pid() + ": agent '" + profile.name() + "' is already " + other.pid());
            }
            if (!profile.xenUuid().isEmpty() && profile.xenUuid().equals(other.xenUuid())) {
                problems.add(profile.pid() + ": xenUuid " + profile.xenUuid() + " is already " + other.pid() + "'s");
            }
        }
        for (ResourceKind kind : profile.resources().keySet()) {
            List<BoardResource> resources = board.get(kind);
            List<String> listed = profile.resources().get(kind);
            if (resources != null && listed != null) {
                for (String reference : listed) {
                    resolve(resources, reference).ifPresentOrElse(found -> { }, () -> problems.add(profile.pid()
                            + ": " + kind.name() + ": " + unresolved(kind, resources, reference)));
                }
            }
            for (Profile other : others) {
                if (!other.pid().equals(profile.pid())) {
                    conflicts(profile, other, kind, resources, problems);
                }
            }
        }
        return problems;
    }

    /** Exclusive resources of one kind that {@code profile} and {@code other} cannot both have. */
    private static void conflicts(Profile profile, Profile other, ResourceKind kind, List<BoardResource> board,
            List<String> problems) {
        Set<String> mine = canonical(exclusiveOf(profile, kind), board);
        Set<String> theirs = canonical(exclusiveOf(other, kind), board);
        for (String resource : mine) {
            if (theirs.contains(resource)) {
                problems.add(profile.pid() + ": " + kind.noun() + " '" + resource + "' is exclusive to "
                        + other.pid() + " already");
            } else if (lists(other, kind, resource, board)) {
                problems.add(profile.pid() + ": " + kind.noun() + " '" + resource + "' cannot be exclusive: "
                        + other.pid() + " lists it");
            }
        }
        for (String resource : theirs) {
            if (!mine.contains(resource) && lists(profile, kind, resource, board)) {
                problems.add(profile.pid() + ": " + kind.noun() + " '" + resource + "' is exclusive to "
                        + other.pid());
            }
        }
    }

    private static boolean lists(Profile profile, ResourceKind kind, String canonicalResource,
            List<BoardResource> board) {
        List<String> listed = profile.resources().get(kind);
        return listed != null && canonical(Set.copyOf(listed), board).contains(canonicalResource);
    }

    /** References as keys where the board resolves them, else as written. */
    private static Set<String> canonical(Set<String> references, List<BoardResource> board) {
        Set<String> keys = new HashSet<>();
        for (String reference : references) {
            keys.add(board == null ? reference : resolve(board, reference).map(BoardResource::key).orElse(reference));
        }
        return keys;
    }

    /** The one resource a reference names ({@link ResourceSelection#resolve}). */
    static Optional<BoardResource> resolve(List<BoardResource> board, String reference) {
        return ResourceSelection.resolve(board, reference, BoardResource::name, BoardResource::key);
    }

    private static String unresolved(ResourceKind kind, List<BoardResource> board, String reference) {
        List<String> keys = board.stream().filter(r -> r.name().equals(reference)).map(BoardResource::key).toList();
        if (keys.size() > 1) {
            return "several " + kind.noun() + "s are named '" + reference + "': name one by its key ("
                    + String.join(", ", keys) + ")";
        }
        return "the board has no " + kind.noun() + " '" + reference + "' (it has "
                + String.join(", ", board.stream().map(BoardResource::name).toList()) + ")";
    }
}
