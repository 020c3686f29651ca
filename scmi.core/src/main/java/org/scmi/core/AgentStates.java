package org.scmi.core;

import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.scmi.api.state.AgentStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's store of what agents set up, kept in this long-lived bundle so that it outlives
 * every protocol and driver bundle that writes it (see {@code org.scmi.api.state}). Entries of one
 * agent and protocol are a sorted map, so prefix queries are range views.
 *
 * <p>In memory by default: it lasts as long as the server runs, like the hardware state it
 * describes. With a state file configured ({@value #PID}, {@code file}) it also outlives the
 * server: the file is read once at activation; the cmdq calls {@link #persistOwnChanges()}
 * before it answers a command, so every change the command made (on the thread serving it) is on
 * disk before the guest learns of it (a guest that got an answer finds what it set up in the next
 * server process, after a planned restart or a crash alike), and changes made outside commands
 * (the platform's, delayed work, sensor values tracked for trip points) are written within
 * {@value #WRITE_BEHIND_MILLIS} ms. Each write holds every change before it, so writes group: a
 * burst of changes costs one write, and a command that changed nothing costs none.
 *
 * <p>Threads: any thread reads and writes the entries; {@link #persistOwnChanges()} runs on the
 * caller's thread (a cmdq's kick thread), and knows that thread's changes by a thread-local mark; the <em>agent state writer</em> thread, started only with a state
 * file, writes the changes made outside commands. Writes to the file are serialised by the file.
 */
@Component(service = {AgentStateStore.class, AgentStates.class}, configurationPid = AgentStates.PID)
@Designate(ocd = AgentStates.Config.class)
public final class AgentStates implements AgentStateStore {
    static final String PID = "org.scmi.core.state";
    private static final Logger LOG = LoggerFactory.getLogger(AgentStates.class);
    /** Agent ids are 8 bits (0 is the platform), and so are protocol ids. */
    private static final int ID_LIMIT = 0x100;
    /** Sorts after every character a key can hold: closes a prefix range. */
    private static final char AFTER_ALL = Character.MAX_VALUE;
    /** Longest delay before a change made outside a command reaches the file. */
    static final long WRITE_BEHIND_MILLIS = 100;

    @ObjectClassDefinition(name = "SCMI agent state",
            description = "Where the platform keeps what guests set up (votes, subscriptions, settings) and the "
                    + "simulated board's state.")
    public @interface Config {
        @AttributeDefinition(name = "State file",
                description = "A file that keeps the agent state across server restarts and crashes: read at "
                        + "start, written through (temporary file, fsync, rename) on every change. Empty: in memory "
                        + "only, for as long as the server runs. A file that cannot be read is reported by name, "
                        + "kept beside as FILE.corrupt, and the server starts with an empty state.",
                required = false)
        String file() default "";
    }

    /**
     * Per agent id, per protocol id, that pair's entries; an agent's row is made when it first
     * stores something. Arrays, not a map keyed by boxed numbers: protocols read this on requests.
     */
    private final AtomicReferenceArray<AtomicReferenceArray<ConcurrentSkipListMap<String, String>>> entries =
            new AtomicReferenceArray<>(ID_LIMIT);
    /** Counts changes: bumped after each change is in {@link #entries}. */
    private final AtomicLong changes = new AtomicLong();
    private final AtomicBoolean writeScheduled = new AtomicBoolean();
    /** Whether the current thread changed an entry since it last made its changes durable. */
    private final ThreadLocal<Boolean> changedHere = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private volatile StateFile file;
    private final long writeBehindMillis;
    /** Writes changes made outside commands; null without a state file. */
    private ScheduledExecutorService writer;

    /** A store in memory only. */
    public AgentStates() {
        this.writeBehindMillis = WRITE_BEHIND_MILLIS;
    }

    @Activate
    public AgentStates(Config config) {
        this(config, WRITE_BEHIND_MILLIS);
    }

    /** With another delay for changes made outside commands (tests). */
    AgentStates(Config config, long writeBehindMillis) {
        this.writeBehindMillis = writeBehindMillis;
        StateFile configured = StateFile.of(config.file());
        if (configured != null) {
            Map<Integer, Map<String, String>> read = configured.read();
            read.forEach((slot, owned) -> ownedOrNew(agentOf(slot), protocolOf(slot)).putAll(owned));
            LOG.info("agent state kept in {} ({} agent and protocol entries read)", configured.path(), read.size());
        }
        this.file = configured;
        if (configured != null) {
            writer = startWriter();
        }
    }

    private static ScheduledExecutorService startWriter() {
        return Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("agent state writer").daemon().factory());
    }

    /** Writes what is not written yet and stops the writer thread. */
    @Deactivate
    void deactivate() {
        persist();
        synchronized (this) {
            if (writer != null) {
                writer.shutdownNow();
                writer = null;
            }
        }
    }

    /** A state file configured live: from now on the state is written there (it is not read). */
    @Modified
    void modified(Config config) {
        StateFile configured = StateFile.of(config.file());
        Path before = file == null ? null : file.path();
        Path after = configured == null ? null : configured.path();
        if (before == null ? after == null : before.equals(after)) {
            return;
        }
        file = configured;
        if (configured != null) {
            synchronized (this) {
                if (writer == null) {
                    writer = startWriter();
                }
            }
            LOG.info("agent state now kept in {}", after);
            configured.write(changes.get(), bySlot());
        } else {
            LOG.info("agent state now in memory only ({} is no longer written)", before);
        }
    }

    @Override
    public String get(int agentId, int protocolId, String key) {
        NavigableMap<String, String> owned = owned(agentId, protocolId);
        return owned == null ? null : owned.get(checkKey(key));
    }

    /** The entries of an agent and protocol, or null if it never stored any (or they were cleared). */
    private ConcurrentSkipListMap<String, String> owned(int agentId, int protocolId) {
        checkIds(agentId, protocolId);
        AtomicReferenceArray<ConcurrentSkipListMap<String, String>> agent = entries.get(agentId);
        return agent == null ? null : agent.get(protocolId);
    }

    private ConcurrentSkipListMap<String, String> ownedOrNew(int agentId, int protocolId) {
        checkIds(agentId, protocolId);
        AtomicReferenceArray<ConcurrentSkipListMap<String, String>> agent = entries.get(agentId);
        if (agent == null) {
            entries.compareAndSet(agentId, null, new AtomicReferenceArray<>(ID_LIMIT));
            agent = entries.get(agentId);
        }
        ConcurrentSkipListMap<String, String> owned = agent.get(protocolId);
        if (owned == null) {
            agent.compareAndSet(protocolId, null, new ConcurrentSkipListMap<>());
            owned = agent.get(protocolId);
        }
        return owned;
    }

    @Override
    public void put(int agentId, int protocolId, String key, String value) {
        checkKey(key);
        if (value == null) {
            NavigableMap<String, String> owned = owned(agentId, protocolId);
            if (owned == null || owned.remove(key) == null) {
                return;
            }
        } else if (value.equals(ownedOrNew(agentId, protocolId).put(key, value))) {
            return;
        }
        changed();
    }

    @Override
    public Map<String, String> entries(int agentId, int protocolId, String prefix) {
        NavigableMap<String, String> owned = owned(agentId, protocolId);
        if (owned == null) {
            return Map.of();
        }
        return new TreeMap<>(owned.subMap(checkKey(prefix), true, prefix + AFTER_ALL, false));
    }

    @Override
    public void clear(int agentId, int protocolId) {
        checkIds(agentId, protocolId);
        AtomicReferenceArray<ConcurrentSkipListMap<String, String>> agent = entries.get(agentId);
        if (agent != null && agent.getAndSet(protocolId, null) != null) {
            changed();
        }
    }

    /**
     * Makes the changes the calling thread made durable (with a state file) before it returns:
     * called before a command's answer is given to the guest. Nothing to do for a thread that changed
     * nothing (a query), whatever other threads changed meanwhile.
     */
    void persistOwnChanges() {
        if (changedHere.get()) {
            changedHere.set(Boolean.FALSE);
            persist();
        }
    }

    /** Makes every change made so far durable (with a state file) before it returns. */
    void persist() {
        StateFile current = file;
        if (current != null) {
            current.write(changes.get(), bySlot());
        }
    }

    private void changed() {
        changes.incrementAndGet();
        if (file != null) {
            changedHere.set(Boolean.TRUE);
        }
        if (file != null && writeScheduled.compareAndSet(false, true)) {
            synchronized (this) {
                if (writer != null) {
                    writer.schedule(() -> {
                        writeScheduled.set(false);
                        persist();
                    }, writeBehindMillis, TimeUnit.MILLISECONDS);
                    return;
                }
            }
            writeScheduled.set(false);
        }
    }

    private static void checkIds(int agentId, int protocolId) {
        if (agentId < 0 || agentId >= ID_LIMIT || protocolId < 0 || protocolId >= ID_LIMIT) {
            throw new IllegalArgumentException("agent " + agentId + " / protocol " + protocolId
                    + ": both must be 0..255");
        }
    }

    /** The agent id of a slot key. */
    static int agentOf(int slot) {
        return slot / ID_LIMIT;
    }

    /** The protocol id of a slot key. */
    static int protocolOf(int slot) {
        return slot % ID_LIMIT;
    }

    /** The slot key of an agent and protocol, checked. */
    static int slotOf(int agentId, int protocolId) {
        checkIds(agentId, protocolId);
        return agentId * ID_LIMIT + protocolId;
    }

    /** Every agent and protocol's entries by slot key ({@link #slotOf}), as the state file keeps them. */
    private Map<Integer, NavigableMap<String, String>> bySlot() {
        Map<Integer, NavigableMap<String, String>> slots = new TreeMap<>();
        for (int agentId = 0; agentId < ID_LIMIT; agentId++) {
            AtomicReferenceArray<ConcurrentSkipListMap<String, String>> agent = entries.get(agentId);
            for (int protocolId = 0; agent != null && protocolId < ID_LIMIT; protocolId++) {
                ConcurrentSkipListMap<String, String> owned = agent.get(protocolId);
                if (owned != null) {
                    slots.put(agentId * ID_LIMIT + protocolId, owned);
                }
            }
        }
        return slots;
    }

    private static String checkKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("null key");
        }
        return key;
    }
}
