package org.scmi.support;

import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.ScmiHeader;
import org.scmi.api.state.AgentStateStore;

/**
 * A protocol's notifications about its resources: who subscribed to which, and the one place
 * where a notification reaches an agent. Every notification names its resource by the id the
 * receiving agent knows it by, so the payload is built per agent; an agent that does not see the
 * resource, has no event channel or is gone gets nothing.
 *
 * <p>Subscriptions are kept in the platform's {@link AgentStateStore} under
 * {@code <topic prefix><setting key>} (see {@link Subscriptions}), so they outlive an update of the
 * protocol bundle and a restart of the resource's driver. Thread-safe.
 *
 * @param <E> what the protocol keeps for each resource
 */
public final class ResourceNotifications<E extends NumberedResources.Named> {
    /** agent_id a notification reports for a change the platform made itself. */
    public static final int PLATFORM = 0;

    private final AgentStateStore store;
    private final int protocolId;
    private final DirectoryReference directory;
    private final Supplier<? extends NumberedResources<E>> resources;

    /** Builds a notification's payload around the id the receiving agent knows the resource by. */
    @FunctionalInterface
    public interface Payload extends IntFunction<byte[]> {
    }

    /**
     * @param directory the agents, looked up at send time
     * @param resources the protocol's current snapshot of the resources
     */
    public ResourceNotifications(AgentStateStore store, int protocolId, DirectoryReference directory,
            Supplier<? extends NumberedResources<E>> resources) {
        this.store = store;
        this.protocolId = protocolId;
        this.directory = directory;
        this.resources = resources;
    }

    /** One notification agents subscribe to per resource. */
    public Topic topic(int notificationId, String storePrefix) {
        return new Topic(notificationId, new Subscriptions(store, protocolId, storePrefix, directory::agentIds));
    }

    /**
     * Sends notification {@code notificationId} about {@code resource} to one agent, under the id
     * that agent knows the resource by.
     *
     * @return whether it was queued: false if the agent is gone, has no event channel, or does not
     *     see the resource
     */
    public boolean send(int agentId, int notificationId, E resource, Payload payload) {
        AgentDirectory agents = directory.get();
        Agent agent = agents == null ? null : agents.agent(agentId).orElse(null);
        if (agent == null || !agent.hasEventChannel()) {
            return false;
        }
        int id = resources.get().seenBy(agent).idOf(resource);
        return id >= 0 && agent.sendEvent(ScmiHeader.notification(protocolId, notificationId).encode(),
                payload.apply(id));
    }

    /** One kind of notification: its subscriptions and sending to them. */
    public final class Topic {
        private final int notificationId;
        private final Subscriptions subscriptions;

        private Topic(int notificationId, Subscriptions subscriptions) {
            this.notificationId = notificationId;
            this.subscriptions = subscriptions;
        }

        public void subscribe(int agentId, E resource, boolean enabled) {
            subscriptions.set(agentId, resource.settingKey(), enabled);
        }

        /** Subscribed agents in id order. */
        public List<Integer> subscribers(E resource) {
            return subscriptions.agents(resource.settingKey());
        }

        /** To every subscriber that sees the resource. */
        public void publish(E resource, Payload payload) {
            for (int subscriber : subscribers(resource)) {
                send(subscriber, notificationId, resource, payload);
            }
        }

        /** To one subscriber, if it subscribed and sees the resource. */
        public void publishTo(int agentId, E resource, Payload payload) {
            if (subscriptions.isSet(agentId, resource.settingKey())) {
                send(agentId, notificationId, resource, payload);
            }
        }
    }
}
