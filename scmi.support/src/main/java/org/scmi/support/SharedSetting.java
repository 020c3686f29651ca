package org.scmi.support;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.scmi.api.ScmiException;
import org.scmi.api.state.AgentStateStore;

/**
 * One setting of shared resources (a power domain's state, a reset line's assertion, a supply's
 * level) that several agents vote for: every agent that set it holds a vote, the hardware follows
 * the vote the resource prefers, and with no votes the resource keeps the value it had before the
 * first one. An agent reads back its own vote ({@link #view}), so a guest that switched something
 * off sees it off while another guest keeps it on, as Linux expects of what it set. Each protocol
 * writes its own rule down (which vote wins); this class keeps the votes and moves the hardware.
 *
 * <p>Votes live in the platform's {@link AgentStateStore}, never in the protocol bundle: an agent's
 * vote under {@code <vote prefix><resource key>}, and under the platform (agent 0) the value before
 * the first vote under {@code <baseline prefix><resource key>}, resource keys being the stable
 * {@code <driver key>/<resource key>}. An update of the protocol bundle therefore keeps every vote,
 * and the new instance arbitrates as the old one did.
 *
 * <p>Thread-safe. Changes to one resource are serialised by a lock per resource, held while the
 * hardware changes: a slow resource delays only commands for the same resource.
 *
 * @param <T> the setting's value
 */
public final class SharedSetting<T> {
    private static final int PLATFORM = 0;

    /** One resource's setting in the hardware (its driver), and which of two votes for it wins. */
    public interface Hardware<T> {
        T read() throws ScmiException;

        /** Returns once the hardware has the value. */
        void write(T value) throws ScmiException;

        /** Orders votes for this resource: the greatest wins. */
        Comparator<? super T> preference();
    }

    /**
     * What one agent's vote or withdrawal did.
     *
     * @param agentId the agent that voted
     * @param previousVote its vote before, or null
     * @param vote its vote now, or null after a withdrawal
     * @param before the hardware's value before
     * @param after the hardware's value now
     * @param voters agents that hold a vote now (each reads its own vote, not the hardware)
     */
    public record Change<T>(int agentId, T previousVote, T vote, T before, T after, Set<Integer> voters) {
        public boolean hardwareChanged() {
            return !before.equals(after);
        }

        /** What the agent read before: its vote, else the hardware's value. */
        public T previousView() {
            return previousVote != null ? previousVote : before;
        }

        /** What the agent reads now. */
        public T view() {
            return vote != null ? vote : after;
        }
    }

    /** The change a withdrawal made to one listed resource. */
    public record Withdrawal<E, T>(E resource, Change<T> change) {
    }

    private final AgentStateStore store;
    private final int protocolId;
    private final String votePrefix;
    private final String baselinePrefix;
    private final Supplier<List<Integer>> agents;
    private final Function<T, String> encode;
    private final Function<String, T> decode;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param votePrefix store key prefix of an agent's vote, e.g. {@code assert/}
     * @param baselinePrefix store key prefix, under the platform, of the value before the first vote
     * @param agents ids of the agents that may hold votes (the configured agents)
     * @param encode how a value is kept in the store; {@code decode} reads it back
     */
    public SharedSetting(AgentStateStore store, int protocolId, String votePrefix, String baselinePrefix,
            Supplier<List<Integer>> agents, Function<T, String> encode, Function<String, T> decode) {
        this.store = store;
        this.protocolId = protocolId;
        this.votePrefix = votePrefix;
        this.baselinePrefix = baselinePrefix;
        this.agents = agents;
        this.encode = encode;
        this.decode = decode;
    }

    /** The agent's vote for the resource, or null. */
    public T vote(int agentId, String resourceKey) {
        return read(agentId, votePrefix, resourceKey);
    }

    /** What the agent reads: its own vote, else the hardware's value. */
    public T view(int agentId, String resourceKey, Hardware<T> hardware) throws ScmiException {
        T vote = vote(agentId, resourceKey);
        return vote != null ? vote : hardware.read();
    }

    /** Every vote for the resource, by agent id, for showing who holds what. */
    public Map<Integer, T> votes(String resourceKey) {
        Map<Integer, T> votes = new TreeMap<>();
        for (int agentId : agents.get()) {
            T vote = vote(agentId, resourceKey);
            if (vote != null) {
                votes.put(agentId, vote);
            }
        }
        return votes;
    }

    /**
     * Records the agent's vote and moves the hardware if the outcome changed; returns once the
     * hardware is there. On a hardware error the vote is withdrawn again and the error thrown.
     */
    public Change<T> vote(int agentId, String resourceKey, T value, Hardware<T> hardware) throws ScmiException {
        synchronized (lock(resourceKey)) {
            if (read(PLATFORM, baselinePrefix, resourceKey) == null) {
                write(PLATFORM, baselinePrefix, resourceKey, hardware.read());
            }
            T before = outcome(resourceKey, hardware);
            T previous = vote(agentId, resourceKey);
            write(agentId, votePrefix, resourceKey, value);
            T after = outcome(resourceKey, hardware);
            try {
                if (!after.equals(before)) {
                    hardware.write(after);
                }
            } catch (ScmiException e) {
                write(agentId, votePrefix, resourceKey, previous);
                throw e;
            }
            return new Change<>(agentId, previous, value, before, after, voters(resourceKey));
        }
    }

    /**
     * Withdraws the agent's vote and moves the hardware if the outcome changed; the baseline is
     * forgotten with the last vote.
     *
     * @return what changed, or null if the agent held no vote
     */
    public Change<T> withdraw(int agentId, String resourceKey, Hardware<T> hardware) throws ScmiException {
        synchronized (lock(resourceKey)) {
            T previous = vote(agentId, resourceKey);
            if (previous == null) {
                return null;
            }
            T before = outcome(resourceKey, hardware);
            write(agentId, votePrefix, resourceKey, null);
            T after = outcome(resourceKey, hardware);
            if (!after.equals(before)) {
                hardware.write(after);
            }
            Set<Integer> voters = voters(resourceKey);
            if (voters.isEmpty()) {
                write(PLATFORM, baselinePrefix, resourceKey, null);
            }
            return new Change<>(agentId, previous, null, before, after, voters);
        }
    }

    /**
     * Withdraws the agent's votes on every listed resource (BASE_RESET_AGENT_CONFIGURATION). A
     * hardware error leaves that resource as it is and goes to {@code failed}; the others still
     * change. A resource whose driver is away keeps the vote: nothing can be moved.
     *
     * @param hardware the setting of one resource
     * @return the resources on which the agent held a vote, with what changed, in list order
     */
    public <E extends NumberedResources.Listed<?>> List<Withdrawal<E, T>> withdrawAll(int agentId,
            List<E> resources, Function<E, Hardware<T>> hardware, BiConsumer<E, ScmiException> failed) {
        List<Withdrawal<E, T>> withdrawn = new ArrayList<>();
        for (E resource : resources) {
            if (!resource.present()) {
                continue;
            }
            try {
                Change<T> change = withdraw(agentId, resource.settingKey(), hardware.apply(resource));
                if (change != null) {
                    withdrawn.add(new Withdrawal<>(resource, change));
                }
            } catch (ScmiException e) {
                failed.accept(resource, e);
            }
        }
        return withdrawn;
    }

    /**
     * The platform moved the resource by itself and the votes still count (a platform that votes
     * too, as a powercap zone's own cap does): puts the hardware back to the outcome of the votes if
     * it is not there.
     *
     * @return the value the hardware has now
     */
    public T enforce(String resourceKey, Hardware<T> hardware) throws ScmiException {
        synchronized (lock(resourceKey)) {
            T outcome = outcome(resourceKey, hardware);
            if (!outcome.equals(hardware.read())) {
                hardware.write(outcome);
            }
            return outcome;
        }
    }

    /** The platform changed the resource itself: every vote and the baseline are forgotten. */
    public void overridden(String resourceKey) {
        synchronized (lock(resourceKey)) {
            for (int agentId : agents.get()) {
                write(agentId, votePrefix, resourceKey, null);
            }
            write(PLATFORM, baselinePrefix, resourceKey, null);
        }
    }

    /** The winning vote, else the value before the first vote, else the hardware's. */
    private T outcome(String resourceKey, Hardware<T> hardware) throws ScmiException {
        Comparator<? super T> preference = hardware.preference();
        T chosen = null;
        for (T vote : votes(resourceKey).values()) {
            if (chosen == null || preference.compare(vote, chosen) > 0) {
                chosen = vote;
            }
        }
        if (chosen == null) {
            chosen = read(PLATFORM, baselinePrefix, resourceKey);
        }
        return chosen != null ? chosen : hardware.read();
    }

    private Set<Integer> voters(String resourceKey) {
        return Set.copyOf(votes(resourceKey).keySet());
    }

    private Object lock(String resourceKey) {
        return locks.computeIfAbsent(resourceKey, key -> new Object());
    }

    private T read(int agentId, String prefix, String resourceKey) {
        String stored = store.get(agentId, protocolId, prefix + resourceKey);
        return stored == null ? null : decode.apply(stored);
    }

    private void write(int agentId, String prefix, String resourceKey, T value) {
        store.put(agentId, protocolId, prefix + resourceKey, value == null ? null : encode.apply(value));
    }
}
