package org.scmi.reset;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.state.AgentStateStore;
import org.scmi.support.Subscriptions;
import org.scmi.reset.ResetDomains.Entry;

/**
 * RESET_ISSUED: who subscribed to which domain, and telling exactly them, the agent that issued the
 * reset included, each under the domain id it knows the domain by. Subscriptions are kept in the
 * platform's {@link AgentStateStore} under {@value #ISSUED} followed by the domain's setting key.
 */
final class ResetEvents {
    /** agent_id reported for resets the platform carried out itself. */
    static final int PLATFORM = 0;
    /** Store key prefix of RESET_NOTIFY subscriptions. */
    static final String ISSUED = "notify/reset/";

    private final Subscriptions issued;
    private final Supplier<AgentDirectory> directory;
    private final Function<Agent, ResetDomains> view;

    /** @param view the domains as one agent sees them: where its ids come from */
    ResetEvents(AgentStateStore store, Supplier<AgentDirectory> directory, Supplier<List<Integer>> agents,
            Function<Agent, ResetDomains> view) {
        this.directory = directory;
        this.view = view;
        this.issued = new Subscriptions(store, ResetMessages.RESET_PROTOCOL_ID, ISSUED, agents);
    }

    void subscribe(int agentId, Entry domain, boolean enabled) {
        issued.set(agentId, domain.settingKey(), enabled);
    }

    /** {@code agentId} (or the platform) reset or asserted the domain: tell every subscriber. */
    void resetIssued(int agentId, Entry domain, int resetState) {
        AgentDirectory agents = directory.get();
        if (agents == null) {
            return;
        }
        for (int subscriber : issued.agents(domain.settingKey())) {
            agents.agent(subscriber).filter(Agent::hasEventChannel).ifPresent(agent -> view.apply(agent)
                    .find(domain.settingKey()).ifPresent(seen -> agent.sendEvent(ResetMessages.notificationHeader(),
                            ResetMessages.resetIssued(agentId, seen.id(), resetState))));
        }
    }
}
