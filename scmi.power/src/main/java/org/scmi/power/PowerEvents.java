package org.scmi.power;

import java.util.function.Supplier;
import org.scmi.api.state.AgentStateStore;
import org.scmi.power.PowerDomains.Entry;
import org.scmi.support.DirectoryReference;
import org.scmi.support.NumberedResources;
import org.scmi.support.ResourceNotifications;
import org.scmi.support.SharedSetting;

/**
 * What each subscriber to the two power notifications is told. An agent is told of the states it
 * reads (see {@link PowerProtocol}): the requester of a change when its own view changed, every
 * other subscriber when the hardware changed and it holds no vote of its own. Every notification
 * names the domain by the id the receiving agent knows it by, and reaches only agents that see the
 * domain ({@link ResourceNotifications}); subscriptions are kept in the platform's
 * {@link AgentStateStore} (keys {@value #STATE_CHANGED} and {@value #CHANGE_REQUESTED} followed by
 * the domain's setting key).
 */
final class PowerEvents {
    /** Store key prefix of POWER_STATE_NOTIFY subscriptions. */
    static final String STATE_CHANGED = "notify/state/";
    /** Store key prefix of POWER_STATE_CHANGE_REQUESTED_NOTIFY subscriptions. */
    static final String CHANGE_REQUESTED = "notify/request/";

    private final ResourceNotifications<Entry> notifications;
    private final ResourceNotifications<Entry>.Topic stateChanged;
    private final ResourceNotifications<Entry>.Topic changeRequested;

    PowerEvents(AgentStateStore store, DirectoryReference directory,
            Supplier<? extends NumberedResources<Entry>> domains) {
        this.notifications = new ResourceNotifications<>(store, PowerMessages.POWER_PROTOCOL_ID, directory, domains);
        this.stateChanged = notifications.topic(PowerMessages.STATE_CHANGED, STATE_CHANGED);
        this.changeRequested = notifications.topic(PowerMessages.STATE_CHANGE_REQUESTED, CHANGE_REQUESTED);
    }

    void subscribeStateChanged(int agentId, Entry domain, boolean enabled) {
        stateChanged.subscribe(agentId, domain, enabled);
    }

    void subscribeChangeRequested(int agentId, Entry domain, boolean enabled) {
        changeRequested.subscribe(agentId, domain, enabled);
    }

    /** {@code agentId} (or the platform) asked for {@code state}: tell every subscriber. */
    void changeRequested(int agentId, Entry domain, int state) {
        changeRequested.publish(domain, id -> PowerMessages.notificationPayload(agentId, id, state));
    }

    /** An agent's request or reset completed. */
    void changed(Entry domain, SharedSetting.Change<Integer> change) {
        int cause = change.agentId();
        for (int subscriber : stateChanged.subscribers(domain)) {
            if (subscriber == cause) {
                if (!change.previousView().equals(change.view())) {
                    stateChanged.publishTo(subscriber, domain,
                            id -> PowerMessages.notificationPayload(cause, id, change.view()));
                }
            } else if (change.hardwareChanged() && !change.voters().contains(subscriber)) {
                stateChanged.publishTo(subscriber, domain,
                        id -> PowerMessages.notificationPayload(cause, id, change.after()));
            }
        }
    }

    /** The platform changed the domain itself; every agent now reads the hardware. */
    void changedByPlatform(Entry domain, int state) {
        stateChanged.publish(domain,
                id -> PowerMessages.notificationPayload(ResourceNotifications.PLATFORM, id, state));
    }
}
