package org.scmi.power;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.scmi.api.ScmiException;
import org.scmi.power.PowerDomains.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares each domain between agents. Every agent that set a state holds a vote; the hardware is
 * kept in the most powered state any agent voted for (first in {@code PowerDomain.states()}), or,
 * with no votes, in the state the protocol found it in. An agent reads back its own vote, so a
 * guest that switched a domain off sees it off even while another guest keeps it on, as Linux
 * requires (it reads back every state it sets). A change by the platform itself overrides all
 * votes.
 *
 * <p>Changes to one domain are serialised by a lock on that domain's votes, held while the driver
 * switches: a slow domain delays only commands for the same domain.
 */
final class PowerArbiter {
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

    /** Votes on one domain; its monitor serialises changes to the domain. */
    private static final class Votes {
        final int baseline;
        final Map<Integer, Integer> byAgent = new HashMap<>();
        boolean retired;

        Votes(int baseline) {
            this.baseline = baseline;
        }

        int effective(Entry domain) {
            return byAgent.values().stream().min((a, b) -> domain.domain().rank(a) - domain.domain().rank(b))
                    .orElse(baseline);
        }
    }

    private final Map<String, Votes> votes = new ConcurrentHashMap<>();

    /** The state {@code agentId} reads: its own vote, else the hardware's state. */
    int view(int agentId, Entry domain) throws ScmiException {
        Votes current = votes.get(domain.settingKey());
        if (current != null) {
            synchronized (current) {
                Integer vote = current.byAgent.get(agentId);
                if (vote != null && !current.retired) {
                    return vote;
                }
            }
        }
        return domain.driver().state(domain.key());
    }

    /**
     * Records {@code agentId}'s vote for {@code state} (one of the domain's states) and moves the
     * hardware if the outcome changed; returns once the hardware is there. On a driver error the
     * vote is withdrawn and the error thrown.
     */
    Transition request(int agentId, Entry domain, int state) throws ScmiException {
        while (true) {
            Votes current = votesFor(domain);
            synchronized (current) {
                if (current.retired) {
                    continue;
                }
                int before = current.effective(domain);
                Integer previousVote = current.byAgent.put(agentId, state);
                int after = current.effective(domain);
                try {
                    if (after != before) {
                        domain.driver().setState(domain.key(), after);
                    }
                } catch (ScmiException e) {
                    restore(current, agentId, previousVote);
                    throw e;
                }
                int previousView = previousVote != null ? previousVote : before;
                return new Transition(domain, agentId, previousView, state, before, after,
                        Set.copyOf(current.byAgent.keySet()));
            }
        }
    }

    /**
     * Withdraws every vote of {@code agentId} and moves the domains whose outcome changed. A
     * driver error leaves that domain as it is (it is reported, the other domains still change).
     */
    List<Transition> forget(int agentId, PowerDomains domains) {
        List<Transition> transitions = new ArrayList<>();
        for (Entry domain : domains.entries()) {
            Votes current = votes.get(domain.settingKey());
            if (current == null) {
                continue;
            }
            synchronized (current) {
                Integer vote = current.byAgent.get(agentId);
                if (vote == null || current.retired) {
                    continue;
                }
                int before = current.effective(domain);
                current.byAgent.remove(agentId);
                int after = current.effective(domain);
                if (after != before) {
                    try {
                        domain.driver().setState(domain.key(), after);
                    } catch (ScmiException e) {
                        LOG.warn("Power domain {} ({}) stays in state 0x{} after agent {} was reset: {}", domain.id(),
                                domain.domain().name(), Integer.toHexString(before), agentId, e.getMessage());
                        after = before;
                    }
                }
                transitions.add(new Transition(domain, agentId, vote, after, before, after,
                        Set.copyOf(current.byAgent.keySet())));
            }
        }
        return transitions;
    }

    /** The platform changed the domain itself: every agent reads the hardware again. */
    void overridden(Entry domain) {
        retire(votes.remove(domain.settingKey()));
    }

    /** A driver left: its domains' votes no longer describe any hardware. */
    void driverGone(String driverKey) {
        String prefix = driverKey + "/";
        votes.keySet().stream().filter(key -> key.startsWith(prefix)).toList()
                .forEach(key -> retire(votes.remove(key)));
    }

    private static void retire(Votes gone) {
        if (gone != null) {
            synchronized (gone) {
                gone.retired = true;
            }
        }
    }

    private Votes votesFor(Entry domain) throws ScmiException {
        Votes current = votes.get(domain.settingKey());
        if (current != null) {
            return current;
        }
        Votes fresh = new Votes(domain.driver().state(domain.key()));
        Votes raced = votes.putIfAbsent(domain.settingKey(), fresh);
        return raced != null ? raced : fresh;
    }

    private static void restore(Votes current, int agentId, Integer previousVote) {
        if (previousVote == null) {
            current.byAgent.remove(agentId);
        } else {
            current.byAgent.put(agentId, previousVote);
        }
    }
}
