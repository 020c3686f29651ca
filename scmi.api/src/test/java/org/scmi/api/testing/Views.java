package org.scmi.api.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.scmi.api.AgentView;
import org.scmi.api.ResourceKind;
import org.scmi.api.ResourceSelection;

/** Agent views for tests, as a profile would give them. */
public final class Views {
    /** Every protocol and resource, and every other agent: a trusted profile with "*" everywhere. */
    public static final AgentView TRUSTED = new AgentView("admin", true, null, Map.of(), ResourceSelection.ALL);

    private Views() {
    }

    /** An untrusted view of one protocol listing {@code names} of {@code kind}, in that order. */
    public static AgentView listing(ResourceKind kind, String... names) {
        return new AgentView("test", false, Set.of(kind.protocolId()),
                Map.of(kind, ResourceSelection.of(List.of(names), Set.of())), ResourceSelection.NONE);
    }

    /** An untrusted view listing, for each kind, {@code listed} names in that order; protocols those of the kinds. */
    public static AgentView listing(Map<ResourceKind, List<String>> listed) {
        Map<ResourceKind, ResourceSelection> selections = new HashMap<>();
        listed.forEach((kind, names) -> selections.put(kind, ResourceSelection.of(names, Set.of())));
        return new AgentView("test", false, listed.keySet().stream().map(ResourceKind::protocolId)
                .collect(Collectors.toSet()), selections, ResourceSelection.NONE);
    }

    /** An untrusted view of one protocol seeing every resource of {@code kind} but {@code excluded}. */
    public static AgentView allBut(ResourceKind kind, String... excluded) {
        Map<ResourceKind, ResourceSelection> selections = new HashMap<>();
        selections.put(kind, ResourceSelection.allExcept(Set.of(excluded)));
        return new AgentView("test", false, Set.of(kind.protocolId()), selections, ResourceSelection.NONE);
    }
}
