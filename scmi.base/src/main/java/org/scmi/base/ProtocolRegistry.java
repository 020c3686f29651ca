package org.scmi.base;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.scmi.api.AgentView;
import org.scmi.api.ScmiProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol services registered right now, other than Base, as Base reports them to agents:
 * each agent is told only of the protocols its view allows.
 *
 * <p>Services come and go on the framework's threads while dispatcher threads read; every change
 * publishes a new immutable snapshot, so a reader sees one consistent set for the whole command
 * (PROTOCOL_ATTRIBUTES' count and DISCOVER_LIST_PROTOCOLS' list come from the same kind of view).
 */
final class ProtocolRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolRegistry.class);

    /** Lowest id an agent can be offered: 0x10 is Base itself, lower ids are reserved. */
    static final int FIRST_LISTED_ID = BaseProtocol.PROTOCOL_ID + 1;
    static final int LAST_ID = 0xFF;

    private record Snapshot(Map<ScmiProtocol, Integer> services, int[] ids) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), new int[0]);

        static Snapshot of(Map<ScmiProtocol, Integer> services) {
            int[] ids = services.values().stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
            return new Snapshot(Collections.unmodifiableMap(services), ids);
        }
    }

    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /**
     * Adds or replaces a service. A service whose {@link ScmiProtocol#PROTOCOL_ID} property is not a
     * protocol id Base can list is logged and left out.
     */
    synchronized void put(ScmiProtocol protocol, Object idProperty) {
        Map<ScmiProtocol, Integer> services = new IdentityHashMap<>(snapshot.services());
        services.remove(protocol);
        if (idProperty instanceof Integer id && id >= FIRST_LISTED_ID && id <= LAST_ID) {
            services.put(protocol, id);
        } else {
            LOG.warn("Protocol service {} has {} = {}: not an SCMI protocol id from 0x{} to 0x{}; not listed to agents",
                    protocol, ScmiProtocol.PROTOCOL_ID, idProperty, Integer.toHexString(FIRST_LISTED_ID),
                    Integer.toHexString(LAST_ID));
        }
        snapshot = Snapshot.of(services);
    }

    synchronized void remove(ScmiProtocol protocol) {
        Map<ScmiProtocol, Integer> services = new IdentityHashMap<>(snapshot.services());
        if (services.remove(protocol) != null) {
            snapshot = Snapshot.of(services);
        }
    }

    /**
     * Distinct ids of the registered protocols {@code view} allows, ascending: two services of one
     * id (an update under way) count once, and a protocol the agent may not use is not there.
     */
    int[] ids(AgentView view) {
        return Arrays.stream(snapshot.ids()).filter(view::allows).toArray();
    }

    /** Number of distinct protocol ids registered that {@code view} allows, as PROTOCOL_ATTRIBUTES reports it. */
    int count(AgentView view) {
        return ids(view).length;
    }

    /** Whether a protocol with this id is registered and {@code view} allows it. */
    boolean contains(int protocolId, AgentView view) {
        return view.allows(protocolId) && Arrays.stream(snapshot.ids()).anyMatch(id -> id == protocolId);
    }

    /** Every registered protocol service, each once, for BASE_RESET_AGENT_CONFIGURATION. */
    List<ScmiProtocol> services() {
        return new ArrayList<>(snapshot.services().keySet());
    }
}
