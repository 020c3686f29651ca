package org.scmi.reset;

import java.util.function.Supplier;
import org.scmi.api.state.AgentStateStore;
import org.scmi.reset.ResetDomains.Entry;
import org.scmi.support.DirectoryReference;
import org.scmi.support.ResourceNotifications;

/**
 * RESET_ISSUED: who subscribed to which domain, and telling exactly them, the agent that issued the
 * reset included, each under the domain id it knows the domain by; an agent that does not see the
 * domain is told nothing ({@link ResourceNotifications}). Subscriptions are kept in the platform's
 * {@link AgentStateStore} under {@value #ISSUED} followed by the domain's setting key.
 */
final class ResetEvents {
    /** Store key prefix of RESET_NOTIFY subscriptions. */
    static final String ISSUED = "notify/reset/";

    private final ResourceNotifications<Entry>.Topic issued;

    /** @param domains the protocol's current snapshot of the domains */
    ResetEvents(AgentStateStore store, DirectoryReference directory, Supplier<ResetDomains> domains) {
        this.issued = new ResourceNotifications<>(store, ResetMessages.RESET_PROTOCOL_ID, directory, domains)
                .topic(ResetMessages.RESET_ISSUED, ISSUED);
    }

    void subscribe(int agentId, Entry domain, boolean enabled) {
        issued.subscribe(agentId, domain, enabled);
    }

    /** {@code agentId} (or the platform) reset or asserted the domain: tell every subscriber. */
    void resetIssued(int agentId, Entry domain, int resetState) {
        issued.publish(domain, id -> ResetMessages.resetIssued(agentId, id, resetState));
    }
}
