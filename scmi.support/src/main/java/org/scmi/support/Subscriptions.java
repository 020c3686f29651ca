package org.scmi.support;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.state.AgentStateStore;

/**
 * Which agents asked for one kind of notification on which resources, and sending that notification
 * to exactly them. Kept in the platform's {@link AgentStateStore} under
 * {@code <prefix><resource key>}, where the resource key is the stable
 * {@code <driver key>/<resource key>}, so a subscription outlives an update of the protocol bundle
 * and a restart of the resource's driver. Thread-safe: the store is.
 */
public final class Subscriptions {
    private static final String ON = "1";
    /** notify_enable bit 0 of a notify command: subscribe; bits 31:1 are reserved. */
    private static final int NOTIFY_ENABLE = 1;

    private final AgentStateStore store;
    private final int protocolId;
    private final String prefix;
    private final Supplier<List<Integer>> agents;

    /**
     * @param protocolId the protocol the subscriptions are kept under
     * @param prefix the store key prefix of this kind of notification, e.g. {@code notify/rate/}
     * @param agents ids of the agents that may have subscribed (the configured agents)
     */
    public Subscriptions(AgentStateStore store, int protocolId, String prefix, Supplier<List<Integer>> agents) {
        this.store = store;
        this.protocolId = protocolId;
        this.prefix = prefix;
        this.agents = agents;
    }

    /**
     * Whether the notify_enable word of a notify command subscribes (bit 0).
     *
     * @throws ScmiException INVALID_PARAMETERS when a reserved bit is set
     */
    public static boolean enabled(int notifyEnable) throws ScmiException {
        if ((notifyEnable & ~NOTIFY_ENABLE) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "reserved notify_enable bits: 0x"
                    + Integer.toHexString(notifyEnable));
        }
        return notifyEnable == NOTIFY_ENABLE;
    }

    /** Subscribes or unsubscribes an agent. */
    public void set(int agentId, String resourceKey, boolean enabled) {
        store.put(agentId, protocolId, prefix + resourceKey, enabled ? ON : null);
    }

    /** Subscribed agents in id order. */
    public List<Integer> agents(String resourceKey) {
        return agents.get().stream()
                .filter(agentId -> store.get(agentId, protocolId, prefix + resourceKey) != null)
                .sorted().toList();
    }

    /**
     * Queues the notification for every subscriber of the resource that has an event channel;
     * subscribers the directory no longer knows are skipped.
     */
    public void deliver(AgentDirectory directory, String resourceKey, int header, byte[] payload) {
        for (int subscriber : agents(resourceKey)) {
            directory.agent(subscriber).filter(Agent::hasEventChannel).ifPresent(a -> a.sendEvent(header, payload));
        }
    }

    /**
     * Queues a notification for one agent about one resource, named by the id the agent knows it
     * under; nothing if there is no directory, the agent is not in it, has no event channel or does
     * not see the resource.
     *
     * @param view the resources as one agent sees them
     * @param payload the payload for the resource id the agent knows
     */
    public static void sendTo(AgentDirectory directory, int agentId,
            Function<Agent, ? extends NumberedResources<?, ?>> view, String settingKey, int header,
            IntFunction<byte[]> payload) {
        if (directory == null) {
            return;
        }
        directory.agent(agentId).filter(Agent::hasEventChannel).ifPresent(agent -> view.apply(agent)
                .find(settingKey).ifPresent(seen -> agent.sendEvent(header, payload.apply(seen.id()))));
    }
}
