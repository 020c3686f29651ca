package org.scmi.power;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.scmi.api.ScmiException;
import org.scmi.api.power.PowerState;
import org.scmi.api.state.AgentStateStore;
import org.scmi.power.PowerDomains.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares each domain between agents. Every agent that set a state holds a vote; the hardware is
 * kept in the most powered state any agent voted for (first in {@code PowerDomain.states()}), or,
 * with no votes, in the state the protocol found it in before the first vote. An agent reads back
 * its own vote, so a guest that switched a domain off sees it off even while another guest keeps
 * it on, as Linux requires (it reads back every state it sets). A change by the platform itself
 * overrides all votes.
 *
 * <p>Votes live in the platform's {@link AgentStateStore}, not in this bundle: each agent's vote
 * under {@value #VOTE}{@code <driver key>/<domain key>}, and under the platform (agent 0) the
 * state the domain had before the first vote ({@value #BASELINE}...). An update of this bundle or
 * of the driver's therefore keeps every vote, and the new instance arbitrates as the old one did.
 *
 * <p>Changes to one domain are serialised by a lock per domain, held while the driver switches: a
 * slow domain delays only commands for the same domain.
 */
final class PowerArbiter {
    /** Store key prefix of an agent's vote: the state word it asked for, in hexadecimal. */
    static final String VOTE = "vote/";
    /** Store key prefix, under the platform, of a voted domain's state before the first vote. */
    static final String BASELINE = "baseline/";
    private static final int PLATFORM = 0;
    private static final int HEX = 16;
    private static final Logger LOG = LoggerFactory.getLogger(PowerArbiter.class);

    /**
     * What one agent's request or reset did.
     *
     * @param domain the domain
     * @param agentId the agent that caused it
     * @param previousView what that agent read before
     * @param view what it reads now
     * @param hardwareBefore the domain's state before
     * @param hardwareAfter the domain's state now
     * @param voters agents that hold a vote now (they read their vote, not the hardware)
     */
    record Transition(Entry domain, int agentId, int previousView, int view, int hardwareBefore, int hardwareAfter,
            Set<Integer> voters) {
        boolean hardwareChanged() {
            return hardwareBefore != hardwareAfter;
        }
    }

    private final AgentStateStore store;
    private final Supplier<List<Integer>> agents;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param store where votes are kept
     * @param agents ids of the agents that may hold votes (the configured agents)
     */
    PowerArbiter(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.store = store;
        this.agents = agents;
    }

    /** The state {@code agentId} reads: its own vote, else the hardware's state. */
    int view(int agentId, Entry domain) throws ScmiException {
        Integer vote = read(agentId, VOTE, domain);
        return vote != null ? vote : domain.driver().state(domain.key());
    }

    /**
     * Records {@code agentId}'s vote for {@code state} (one of the domain's states) and moves the
     * hardware if the outcome changed; returns once the hardware is there. On a driver error the
     * vote is withdrawn and the error thrown.
     */
    Transition request(int agentId, Entry domain, int state) throws ScmiException {
        synchronized (lock(domain)) {
            if (read(PLATFORM, BASELINE, domain) == null) {
                write(PLATFORM, BASELINE, domain, domain.driver().state(domain.key()));
            }
            int before = effective(domain);
            Integer previousVote = read(agentId, VOTE, domain);
            write(agentId, VOTE, domain, state);
            int after = effective(domain);
            try {
                if (after != before) {
                    domain.driver().setState(domain.key(), after);
                }
            } catch (ScmiException e) {
                write(agentId, VOTE, domain, previousVote);
                throw e;
            }
            int previousView = previousVote != null ? previousVote : before;
            return new Transition(domain, agentId, previousView, state, before, after, voters(domain));
        }
    }

    /**
     * Withdraws every vote of {@code agentId} and moves the domains whose outcome changed. A
     * driver error leaves that domain as it is (it is reported, the other domains still change).
     * Domains whose driver is away keep the vote: nothing can be moved.
     */
    List<Transition> forget(int agentId, PowerDomains domains) {
        List<Transition> transitions = new ArrayList<>();
        for (Entry domain : domains.entries()) {
            if (!domain.present()) {
                continue;
            }
            synchronized (lock(domain)) {
                Integer vote = read(agentId, VOTE, domain);
                if (vote == null) {
                    continue;
                }
                try {
                    int before = effective(domain);
                    write(agentId, VOTE, domain, null);
                    int after = effective(domain);
                    if (after != before) {
                        domain.driver().setState(domain.key(), after);
                    }
                    Set<Integer> voters = voters(domain);
                    if (voters.isEmpty()) {
                        write(PLATFORM, BASELINE, domain, null);
                    }
                    transitions.add(new Transition(domain, agentId, vote, after, before, after, voters));
                } catch (ScmiException e) {
                    LOG.warn("Power domain {} not moved after agent {} was reset: {}", domain.name(), agentId,
                            e.getMessage());
                }
            }
        }
        return transitions;
    }

    /** The platform changed the domain itself: every agent reads the hardware again. */
    void overridden(Entry domain) {
        synchronized (lock(domain)) {
            for (int agentId : agents.get()) {
                write(agentId, VOTE, domain, null);
            }
            write(PLATFORM, BASELINE, domain, null);
        }
    }

    /** The most powered state voted for, else the state before the first vote, else the hardware's. */
    private int effective(Entry domain) throws ScmiException {
        Integer chosen = null;
        for (int agentId : agents.get()) {
            Integer vote = read(agentId, VOTE, domain);
            if (vote != null && (chosen == null || domain.domain().rank(vote) < domain.domain().rank(chosen))) {
                chosen = vote;
            }
        }
        if (chosen == null) {
            chosen = read(PLATFORM, BASELINE, domain);
        }
        return chosen != null ? chosen : domain.driver().state(domain.key());
    }

    /** Each agent's vote on the domain, for administration. */
    Map<Integer, String> votes(Entry domain) {
        Map<Integer, String> votes = new TreeMap<>();
        for (int agentId : agents.get()) {
            Integer vote = read(agentId, VOTE, domain);
            if (vote != null) {
                votes.put(agentId, PowerState.describe(vote));
            }
        }
        return votes;
    }

    private Set<Integer> voters(Entry domain) {
        Set<Integer> voters = new TreeSet<>();
        for (int agentId : agents.get()) {
            if (read(agentId, VOTE, domain) != null) {
                voters.add(agentId);
            }
        }
        return Set.copyOf(voters);
    }

    private Object lock(Entry domain) {
        return locks.computeIfAbsent(domain.settingKey(), key -> new Object());
    }

    private Integer read(int agentId, String prefix, Entry domain) {
        String stored = store.get(agentId, PowerMessages.POWER_PROTOCOL_ID, prefix + domain.settingKey());
        return stored == null ? null : Integer.parseUnsignedInt(stored, HEX);
    }

    private void write(int agentId, String prefix, Entry domain, Integer state) {
        store.put(agentId, PowerMessages.POWER_PROTOCOL_ID, prefix + domain.settingKey(),
                state == null ? null : Integer.toHexString(state));
    }
}
