package org.scmi.clock;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.scmi.api.ScmiException;
import org.scmi.api.state.AgentStateStore;
import org.scmi.clock.Clocks.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What agents set on each clock, so that one agent's reset undoes only what that agent did.
 *
 * <p>Arbitration between agents that share a clock (only agents that see a clock can vote on it):
 * <ul>
 * <li>Running: each agent that enabled or disabled the clock holds a vote; the clock runs while
 * any vote says so (or, with no votes, as the protocol found it), and an agent reads back its own
 * vote. So a guest whose kernel switches off the clocks it does not use cannot stop a clock
 * another guest runs.</li>
 * <li>Rate: each agent that set a rate holds a vote for it; the clock runs at the highest rate
 * voted for (every vote is a rate the clock supports, so the highest is one too), or, with no
 * votes, at the rate it had before the first vote. An agent reads the rate the clock really runs
 * at. Withdrawing a vote (a reset, a guest gone for good) lowers the clock to the highest rate
 * still voted for.</li>
 * <li>Parent: one per clock: the last agent to set it owns it, and resetting that agent restores
 * the parent the clock had before any agent changed it.</li>
 * <li>A change the platform makes itself (a rate set from the board's shell) overrides every
 * rate vote.</li>
 * </ul>
 *
 * <p>Everything lives in the platform's {@link AgentStateStore}, keyed by the clock's setting key
 * ({@code <driver key>/<clock key>}), so an update of this bundle or of the driver's keeps it:
 * per agent, {@value #ENABLE} (its vote, {@code 1} or {@code 0}), {@value #RATE} (its rate vote)
 * and {@value #PARENT} (the parent key it chose, while it owns the parent); under the platform
 * (agent 0), the values from before any agent: {@value #ENABLE} (the clock ran), {@value #RATE}
 * and {@value #PARENT}.
 *
 * <p>Changes to one clock are serialised by a lock per clock, held while the driver works: a slow
 * clock delays only commands for the same clock.
 */
final class ClockSettings {
    static final String ENABLE = "enable/";
    static final String RATE = "rate/";
    static final String PARENT = "parent/";
    private static final int PLATFORM = 0;
    private static final String ON = "1";
    private static final String OFF = "0";
    private static final Logger LOG = LoggerFactory.getLogger(ClockSettings.class);

    /** A rate an agent's reset restored. */
    record RateRestored(Entry clock, int agentId, long rate) {
    }

    /** A change to one clock's settings made under its lock. */
    @FunctionalInterface
    private interface Change<T> {
        T apply() throws ScmiException;
    }

    private final AgentStateStore store;
    private final Supplier<List<Integer>> agents;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param store where the settings are kept
     * @param agents ids of the agents that may hold settings (the configured agents)
     */
    ClockSettings(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.store = store;
        this.agents = agents;
    }

    /** Whether {@code agentId} sees the clock running: its own vote, else the hardware. */
    boolean enabledFor(int agentId, Entry clock) throws ScmiException {
        String vote = get(agentId, ENABLE, clock);
        return vote != null ? ON.equals(vote) : clock.driver().enabled(clock.key());
    }

    /** Records the agent's vote and starts or stops the clock if the outcome changed. */
    void enable(int agentId, Entry clock, boolean enabled) throws ScmiException {
        change(clock, () -> {
            if (get(PLATFORM, ENABLE, clock) == null) {
                put(PLATFORM, ENABLE, clock, flag(clock.driver().enabled(clock.key())));
            }
            boolean before = runs(clock);
            String previous = get(agentId, ENABLE, clock);
            put(agentId, ENABLE, clock, flag(enabled));
            try {
                if (runs(clock) != before) {
                    clock.driver().setEnabled(clock.key(), runs(clock));
                }
            } catch (ScmiException e) {
                put(agentId, ENABLE, clock, previous);
                throw e;
            }
            return null;
        });
    }

    /**
     * Records the agent's vote for {@code rate} and moves the clock to the highest rate voted for
     * if that changed; returns the rate before. On a driver error the vote is withdrawn and the
     * error thrown.
     */
    long setRate(int agentId, Entry clock, long rate) throws ScmiException {
        return change(clock, () -> {
            long before = clock.driver().rate(clock.key());
            if (get(PLATFORM, RATE, clock) == null) {
                put(PLATFORM, RATE, clock, Long.toString(before));
            }
            String previous = get(agentId, RATE, clock);
            put(agentId, RATE, clock, Long.toString(rate));
            try {
                long target = votedRate(clock);
                if (target != before) {
                    clock.driver().setRate(clock.key(), target);
                }
            } catch (ScmiException e) {
                put(agentId, RATE, clock, previous);
                throw e;
            }
            return before;
        });
    }

    /** Switches the parent on the agent's behalf. */
    void setParent(int agentId, Entry clock, String parentKey) throws ScmiException {
        change(clock, () -> {
            String before = clock.driver().parent(clock.key());
            clock.driver().setParent(clock.key(), parentKey);
            claim(PARENT, clock, agentId, before, parentKey);
            return null;
        });
    }

    /**
     * Withdraws the agent's votes and restores the parents it owns; a clock whose highest rate
     * vote was the agent's slows to the next one. A driver error leaves
     * that clock as it is (logged); the other clocks are still restored. Clocks whose driver is
     * away are left alone: nothing can be moved.
     */
    List<RateRestored> forget(int agentId, Clocks clocks) {
        List<RateRestored> restored = new ArrayList<>();
        for (Entry clock : clocks.entries()) {
            if (!clock.present()) {
                continue;
            }
            synchronized (lock(clock)) {
                try {
                    if (get(agentId, ENABLE, clock) != null) {
                        boolean before = runs(clock);
                        put(agentId, ENABLE, clock, null);
                        if (runs(clock) != before) {
                            clock.driver().setEnabled(clock.key(), runs(clock));
                        }
                    }
                    String parent = release(PARENT, clock, agentId);
                    if (parent != null) {
                        clock.driver().setParent(clock.key(), parent);
                    }
                    if (get(agentId, RATE, clock) != null) {
                        long before = clock.driver().rate(clock.key());
                        put(agentId, RATE, clock, null);
                        long target = votedRate(clock);
                        if (!hasRateVotes(clock)) {
                            put(PLATFORM, RATE, clock, null);
                        }
                        if (target != before) {
                            clock.driver().setRate(clock.key(), target);
                            restored.add(new RateRestored(clock, agentId, target));
                        }
                    }
                } catch (ScmiException e) {
                    LOG.warn("Clock {} not fully restored after agent {} was reset: {}", clock.name(), agentId,
                            e.getMessage());
                }
            }
        }
        return restored;
    }

    /** The platform set the rate itself: it overrides every rate vote. */
    void rateOverridden(Entry clock) {
        synchronized (lock(clock)) {
            for (int agentId : agents.get()) {
                put(agentId, RATE, clock, null);
            }
            put(PLATFORM, RATE, clock, null);
        }
    }

    /** Whether the votes (or, with none, the state before the first vote) say the clock runs. */
    private boolean runs(Entry clock) {
        boolean voted = false;
        for (int agentId : agents.get()) {
            String vote = get(agentId, ENABLE, clock);
            if (ON.equals(vote)) {
                return true;
            }
            voted |= vote != null;
        }
        return !voted && ON.equals(get(PLATFORM, ENABLE, clock));
    }

    /** The highest rate voted for; with no votes, the rate before the first vote, else the clock's own. */
    private long votedRate(Entry clock) throws ScmiException {
        long highest = -1;
        for (int agentId : agents.get()) {
            String vote = get(agentId, RATE, clock);
            if (vote != null) {
                highest = Math.max(highest, Long.parseLong(vote));
            }
        }
        if (highest >= 0) {
            return highest;
        }
        String original = get(PLATFORM, RATE, clock);
        return original != null ? Long.parseLong(original) : clock.driver().rate(clock.key());
    }

    private boolean hasRateVotes(Entry clock) {
        for (int agentId : agents.get()) {
            if (get(agentId, RATE, clock) != null) {
                return true;
            }
        }
        return false;
    }

    /** Each agent's vote on the clock, for administration: running, rate, parent. */
    Map<Integer, String> votes(Entry clock) {
        Map<Integer, String> votes = new TreeMap<>();
        for (int agentId : agents.get()) {
            List<String> held = new ArrayList<>();
            String enable = get(agentId, ENABLE, clock);
            if (enable != null) {
                held.add(ON.equals(enable) ? "on" : "off");
            }
            String rate = get(agentId, RATE, clock);
            if (rate != null) {
                held.add(rate + " Hz");
            }
            String parent = get(agentId, PARENT, clock);
            if (parent != null) {
                held.add("parent " + parent);
            }
            if (!held.isEmpty()) {
                votes.put(agentId, String.join(", ", held));
            }
        }
        return votes;
    }

    /** Makes {@code agentId} the owner of a parent, remembering the value before any agent. */
    private void claim(String setting, Entry clock, int agentId, String before, String value) {
        if (get(PLATFORM, setting, clock) == null) {
            put(PLATFORM, setting, clock, before);
        }
        for (int other : agents.get()) {
            put(other, setting, clock, null);
        }
        put(agentId, setting, clock, value);
    }

    /** If {@code agentId} owns the setting: gives it up and returns the value from before any agent. */
    private String release(String setting, Entry clock, int agentId) {
        if (get(agentId, setting, clock) == null) {
            return null;
        }
        String original = get(PLATFORM, setting, clock);
        put(agentId, setting, clock, null);
        put(PLATFORM, setting, clock, null);
        return original;
    }

    private <T> T change(Entry clock, Change<T> change) throws ScmiException {
        synchronized (lock(clock)) {
            return change.apply();
        }
    }

    private Object lock(Entry clock) {
        return locks.computeIfAbsent(clock.settingKey(), key -> new Object());
    }

    private String get(int agentId, String setting, Entry clock) {
        return store.get(agentId, ClockMessages.CLOCK_PROTOCOL_ID, setting + clock.settingKey());
    }

    private void put(int agentId, String setting, Entry clock, String value) {
        store.put(agentId, ClockMessages.CLOCK_PROTOCOL_ID, setting + clock.settingKey(), value);
    }

    private static String flag(boolean on) {
        return on ? ON : OFF;
    }
}
