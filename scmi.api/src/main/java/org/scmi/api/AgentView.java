package org.scmi.api;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one agent may see and do: the protocols it may use, the resources of each kind it sees
 * under its own numbering, and whether it is trusted with other agents. Built by the platform from
 * the agent's profile and handed to protocols with every request ({@link Agent#view()}). What an
 * agent may not see does not exist for it: protocols answer NOT_FOUND for a hidden resource,
 * leave it out of every list, count and notification, and the platform answers a hidden protocol
 * as an unimplemented one.
 *
 * <p>Views are values: two equal views show the same things, which lets protocols cache each
 * view's numbering.
 *
 * @param profile the name of the profile the view comes from; empty for {@link #EVERYTHING}
 * @param trusted whether the agent may see other agents and manage them (BASE_DISCOVER_AGENT of
 *     other agents, BASE_SET_DEVICE_PERMISSIONS, BASE_SET_PROTOCOL_PERMISSIONS,
 *     BASE_RESET_AGENT_CONFIGURATION of another agent); an untrusted agent sees only itself and
 *     the platform
 * @param protocols the protocol ids the agent may use besides Base, or null for every protocol
 * @param selections the resources the agent sees, per kind; a kind missing here is
 *     {@code unlisted}
 * @param unlisted the selection of every kind not in {@code selections}
 */
public record AgentView(String profile, boolean trusted, Set<Integer> protocols,
        Map<ResourceKind, ResourceSelection> selections, ResourceSelection unlisted) {
    /** Every protocol and resource, no other agent: an agent on a server without profiles. */
    public static final AgentView EVERYTHING = new AgentView("", false, null, Map.of(), ResourceSelection.ALL);
    /** Base alone: an agent whose profile was withdrawn while it was connected. */
    public static final AgentView NOTHING = new AgentView("", false, Set.of(), Map.of(), ResourceSelection.NONE);

    public AgentView {
        Objects.requireNonNull(profile, "profile");
        protocols = protocols == null ? null : Set.copyOf(protocols);
        selections = Map.copyOf(selections);
        Objects.requireNonNull(unlisted, "unlisted");
    }

    /** Whether the agent may use a protocol: Base always, the others if the view lists them. */
    public boolean allows(int protocolId) {
        return protocolId == ProtocolNames.BASE || protocols == null || protocols.contains(protocolId);
    }

    /** The resources of {@code kind} the agent sees. */
    public ResourceSelection resources(ResourceKind kind) {
        return selections.getOrDefault(kind, unlisted);
    }
}
