package org.scmi.core.profile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.scmi.api.ResourceKind;

/**
 * One agent's profile as configured (factory configuration {@value ProfileParser#FACTORY_PID}):
 * who it is, what it may use and see.
 *
 * @param pid the configuration it comes from, e.g. {@code org.scmi.agent~ivi}, for messages
 * @param name the agent's name: guests with this name get this profile (vhost-user: the socket's
 *     agent name; Xen: the domain name), unless {@code xenUuid} says otherwise for Xen guests
 * @param protocols the protocol ids the agent may use besides Base
 * @param resources per kind, the resources it sees in its own numbering; a null list means every
 *     resource of the kind (written {@code ["*"]})
 * @param exclusive resources no other agent may see, as the profile names them
 * @param trusted whether the agent may see and manage other agents
 * @param xenUuid for Xen guests: the VM UUID that identifies this agent instead of the domain
 *     name; empty for none
 * @param releaseOnDisconnect for guests that reconnect (vhost-user): whether what the agent holds
 *     (votes, settings, subscriptions) is released when its connection ends, as for a guest gone
 *     for good
 */
public record Profile(String pid, String name, Set<Integer> protocols, Map<ResourceKind, List<String>> resources,
        Set<String> exclusive, boolean trusted, String xenUuid, boolean releaseOnDisconnect) {

    public Profile {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(name, "name");
        protocols = Set.copyOf(protocols);
        resources = Collections.unmodifiableMap(new LinkedHashMap<>(resources));
        exclusive = Set.copyOf(exclusive);
        Objects.requireNonNull(xenUuid, "xenUuid");
    }

    /** Whether the profile takes every resource of {@code kind} (but those exclusive to others). */
    public boolean seesEverything(ResourceKind kind) {
        return resources.containsKey(kind) && resources.get(kind) == null;
    }
}
