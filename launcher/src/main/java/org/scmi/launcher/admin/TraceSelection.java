package org.scmi.launcher.admin;

import java.util.BitSet;

/** Which agents and protocols are traced. Immutable: a change makes a new selection. */
final class TraceSelection {
    static final TraceSelection NONE = new TraceSelection(new BitSet(), new BitSet());

    private final BitSet agents;
    private final BitSet protocols;

    private TraceSelection(BitSet agents, BitSet protocols) {
        this.agents = agents;
        this.protocols = protocols;
    }

    boolean isEmpty() {
        return agents.isEmpty() && protocols.isEmpty();
    }

    boolean covers(int agentId, int protocolId) {
        return agents.get(agentId) || protocols.get(protocolId);
    }

    TraceSelection withAgent(int agentId, boolean traced) {
        BitSet changed = (BitSet) agents.clone();
        changed.set(agentId, traced);
        return new TraceSelection(changed, protocols);
    }

    TraceSelection withProtocol(int protocolId, boolean traced) {
        BitSet changed = (BitSet) protocols.clone();
        changed.set(protocolId, traced);
        return new TraceSelection(agents, changed);
    }

    /** Agent ids traced, ascending. */
    int[] agents() {
        return agents.stream().toArray();
    }

    /** Protocol ids traced, ascending. */
    int[] protocols() {
        return protocols.stream().toArray();
    }
}
