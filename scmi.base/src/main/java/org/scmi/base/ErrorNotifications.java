package org.scmi.base;

import org.scmi.api.Agent;
import org.scmi.api.ScmiHeader;
import org.scmi.api.state.AgentStateStore;

/**
 * BASE_NOTIFY_ERRORS subscriptions and the BASE_ERROR_EVENT they enable. A subscription is kept in
 * the platform's {@link AgentStateStore} (key {@value #SUBSCRIBED}), so it survives an update of
 * this bundle. An event goes only to the agent whose communication failed: guests never see each
 * other's state.
 */
final class ErrorNotifications {
    /** Store key of an agent's subscription; present ("1") while the agent is subscribed. */
    static final String SUBSCRIBED = "notify/errors";
    private static final String ON = "1";
    private static final int EVENT_HEADER =
            ScmiHeader.notification(BaseProtocol.PROTOCOL_ID, BaseMessages.BASE_ERROR_EVENT).encode();

    private final AgentStateStore store;

    ErrorNotifications(AgentStateStore store) {
        this.store = store;
    }

    void subscribe(int agentId, boolean enable) {
        store.put(agentId, BaseProtocol.PROTOCOL_ID, SUBSCRIBED, enable ? ON : null);
    }

    boolean isSubscribed(int agentId) {
        return store.get(agentId, BaseProtocol.PROTOCOL_ID, SUBSCRIBED) != null;
    }

    /** Drops everything the agent set up through Base (BASE_RESET_AGENT_CONFIGURATION). */
    void forget(int agentId) {
        store.clear(agentId, BaseProtocol.PROTOCOL_ID);
    }

    /**
     * Sends BASE_ERROR_EVENT to {@code agent} if it subscribed and has an event channel.
     *
     * @return whether the event was queued for the agent
     */
    boolean raise(Agent agent, boolean fatal, long[] reports) {
        // encoded first so that too many reports are refused whether or not the agent listens
        byte[] payload = BaseCodec.errorEvent(agent.id(), fatal, reports);
        return isSubscribed(agent.id()) && agent.hasEventChannel() && agent.sendEvent(EVENT_HEADER, payload);
    }
}
