package org.scmi.clock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.scmi.api.ScmiException;
import org.scmi.clock.Clocks.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What agents set on each clock, so that one agent's reset undoes only what that agent did.
 *
 * <p>Enabling is shared: each agent that enabled or disabled a clock holds a vote, the clock runs
 * while any vote says so (or, with no votes, as the protocol found it), and an agent reads back its
 * own vote. So a guest whose kernel switches off the clocks it does not use cannot stop a clock
 * another guest runs. Rate and parent are one per clock: the last agent to set one owns it, and
 * resetting that agent restores the value the clock had before any agent changed it.
 *
 * <p>Changes to one clock are serialised by a lock on that clock's settings, held while the driver
 * works: a slow clock delays only commands for the same clock.
 */
final class ClockSettings {
    private static final Logger LOG = LoggerFactory.getLogger(ClockSettings.class);

    /** A rate an agent's reset restored. */
    record RateRestored(Entry clock, int agentId, long rate) {
    }

    /** A value owned by the agent that set it last, with what the clock had before any agent did. */
    private static final class Claim<T> {
        final T original;
        int owner;

        Claim(T original, int owner) {
            this.original = original;
            this.owner = owner;
        }
    }

    /** Settings of one clock; its monitor serialises changes to the clock. */
    private static final class Settings {
        final boolean enabledAtStart;
        final Map<Integer, Boolean> enableVotes = new HashMap<>();
        Claim<Long> rate;
        Claim<String> parent;
        boolean retired;

        Settings(boolean enabledAtStart) {
            this.enabledAtStart = enabledAtStart;
        }

        boolean runs() {
            return enableVotes.isEmpty() ? enabledAtStart : enableVotes.containsValue(true);
        }
    }

    /** A change to one clock's settings made under its lock. */
    @FunctionalInterface
    private interface Change<T> {
        T apply(Settings settings) throws ScmiException;
    }

    private final Map<String, Settings> settings = new ConcurrentHashMap<>();

    /** Whether {@code agentId} sees the clock running: its own vote, else the hardware. */
    boolean enabledFor(int agentId, Entry clock) throws ScmiException {
        Settings current = settings.get(clock.settingKey());
        if (current != null) {
            synchronized (current) {
                Boolean vote = current.enableVotes.get(agentId);
                if (vote != null && !current.retired) {
                    return vote;
                }
            }
        }
        return clock.driver().enabled(clock.key());
    }

    /** Records the agent's vote and starts or stops the clock if the outcome changed. */
    void enable(int agentId, Entry clock, boolean enabled) throws ScmiException {
        change(clock, current -> {
            boolean before = current.runs();
            Boolean previous = current.enableVotes.put(agentId, enabled);
            try {
                if (current.runs() != before) {
                    clock.driver().setEnabled(clock.key(), current.runs());
                }
            } catch (ScmiException e) {
                if (previous == null) {
                    current.enableVotes.remove(agentId);
                } else {
                    current.enableVotes.put(agentId, previous);
                }
                throw e;
            }
            return null;
        });
    }

    /** Sets the rate on the agent's behalf; returns the rate before. */
    long setRate(int agentId, Entry clock, long rate) throws ScmiException {
        return change(clock, current -> {
            long before = clock.driver().rate(clock.key());
            clock.driver().setRate(clock.key(), rate);
            current.rate = claim(current.rate, before, agentId);
            return before;
        });
    }

    /** Switches the parent on the agent's behalf. */
    void setParent(int agentId, Entry clock, String parentKey) throws ScmiException {
        change(clock, current -> {
            String before = clock.driver().parent(clock.key());
            clock.driver().setParent(clock.key(), parentKey);
            current.parent = claim(current.parent, before, agentId);
            return null;
        });
    }

    /**
     * Withdraws the agent's votes and restores the rates and parents it owns. A driver error leaves
     * that clock as it is (logged); the other clocks are still restored.
     */
    List<RateRestored> forget(int agentId, Clocks clocks) {
        List<RateRestored> restored = new ArrayList<>();
        for (Entry clock : clocks.entries()) {
            Settings current = settings.get(clock.settingKey());
            if (current == null) {
                continue;
            }
            synchronized (current) {
                if (current.retired) {
                    continue;
                }
                try {
                    boolean before = current.runs();
                    if (current.enableVotes.remove(agentId) != null && current.runs() != before) {
                        clock.driver().setEnabled(clock.key(), current.runs());
                    }
                    if (current.parent != null && current.parent.owner == agentId) {
                        clock.driver().setParent(clock.key(), current.parent.original);
                        current.parent = null;
                    }
                    if (current.rate != null && current.rate.owner == agentId) {
                        clock.driver().setRate(clock.key(), current.rate.original);
                        restored.add(new RateRestored(clock, agentId, current.rate.original));
                        current.rate = null;
                    }
                } catch (ScmiException e) {
                    LOG.warn("Clock {} ({}) not fully restored after agent {} was reset: {}", clock.id(),
                            clock.clock().name(), agentId, e.getMessage());
                }
            }
        }
        return restored;
    }

    /** The platform set the rate itself: it becomes the rate no agent owns. */
    void rateOverridden(Entry clock) {
        Settings current = settings.get(clock.settingKey());
        if (current != null) {
            synchronized (current) {
                current.rate = null;
            }
        }
    }

    /** A driver left: its clocks' settings no longer describe any hardware. */
    void driverGone(String driverKey) {
        String prefix = driverKey + "/";
        settings.keySet().stream().filter(key -> key.startsWith(prefix)).toList().forEach(key -> {
            Settings gone = settings.remove(key);
            if (gone != null) {
                synchronized (gone) {
                    gone.retired = true;
                }
            }
        });
    }

    private <T> T change(Entry clock, Change<T> change) throws ScmiException {
        while (true) {
            Settings current = settingsFor(clock);
            synchronized (current) {
                if (!current.retired) {
                    return change.apply(current);
                }
            }
        }
    }

    private Settings settingsFor(Entry clock) throws ScmiException {
        Settings current = settings.get(clock.settingKey());
        if (current != null) {
            return current;
        }
        Settings fresh = new Settings(clock.driver().enabled(clock.key()));
        Settings raced = settings.putIfAbsent(clock.settingKey(), fresh);
        return raced != null ? raced : fresh;
    }

    private static <T> Claim<T> claim(Claim<T> previous, T before, int agentId) {
        if (previous == null) {
            return new Claim<>(before, agentId);
        }
        previous.owner = agentId;
        return previous;
    }
}
