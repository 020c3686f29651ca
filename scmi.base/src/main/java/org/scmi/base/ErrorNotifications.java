package org.scmi.base;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.scmi.api.Agent;
import org.scmi.api.ScmiHeader;

/**
 * BASE_NOTIFY_ERRORS subscriptions, one flag per agent id, and the BASE_ERROR_EVENT they enable.
 * An event goes only to the agent whose communication failed: guests never see each other's state.
 */
final class ErrorNotifications {
    private static final int EVENT_HEADER =
            ScmiHeader.notification(BaseProtocol.PROTOCOL_ID, BaseMessages.BASE_ERROR_EVENT).encode();

    private final Set<Integer> subscribed = ConcurrentHashMap.newKeySet();

    void subscribe(int agentId, boolean enable) {
        if (enable) {
            subscribed.add(agentId);
        } else {
            subscribed.remove(agentId);
        }
    }

    boolean isSubscribed(int agentId) {
        return subscribed.contains(agentId);
    }

    /** Drops the agent's subscription (BASE_RESET_AGENT_CONFIGURATION). */
    void forget(int agentId) {
        subscribed.remove(agentId);
    }

    /**
     * Sends BASE_ERROR_EVENT to {@code agent} if it subscribed and has an event channel.
     *
     * @return whether the event was queued for the agent
     */
    boolean raise(Agent agent, boolean fatal, long[] reports) {
        // encoded first so that too many reports are refused whether or not the agent listens
        byte[] payload = BaseCodec.errorEvent(agent.id(), fatal, reports);
        return subscribed.contains(agent.id()) && agent.hasEventChannel() && agent.sendEvent(EVENT_HEADER, payload);
    }
}
