package org.scmi.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.AgentView;
import org.scmi.core.admin.GuestSessions;
import org.scmi.core.profile.Profile;
import org.scmi.core.profile.Profiles;
import org.scmi.core.profile.Profiles.Admission;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents: one per profile (listed whether its guest is connected or not), and one per guest
 * without a profile of its own while it is connected or may come back. Decides, as a guest comes
 * up, which agent it is and what that agent sees ({@link Profiles#admit}), and refuses a guest the
 * profiles have no place for.
 *
 * <p><b>Ids.</b> Agent ids are 1..255. A guest keeps its agent and id while it is an agent: a
 * profile's agent for as long as the profile exists, a vhost-user guest across reconnects. A guest
 * gone for good (a destroyed Xen domain, a vhost-user guest whose profile releases it on
 * disconnect) and without a profile leaves the directory; its id is kept for its identity (a Xen
 * domain's name), so the same guest created again gets the same id, until every never-used id is
 * taken, when the id that has been free longest goes to a new guest. So ids never run out while
 * fewer than 255 agents are configured or connected at once, and the directory holds exactly the
 * configured and live agents. An id that goes to another guest starts with nothing kept under it.
 *
 * <p><b>Across server restarts.</b> Which identity has which id is kept in the agent state store
 * (under the platform, entries of {@link #REGISTRY_PROTOCOL}: {@code agent/<key>} for the agents
 * in the directory, {@code departed/<key>} for the ids kept for guests gone for good), written
 * before a new id is used, so that with a state file every agent keeps its id across restarts and
 * crashes, and with it everything kept under that id. A server stopping or crashing is not a guest
 * going: the agents of the guests it served are listed again with what they held. A table that
 * cannot be read is not guessed at: every agent's entries are dropped with it, so that no guest is
 * handed another's id and state.
 *
 * <p>Threads: guests come and go on transport threads, profiles change on configuration threads;
 * changes are serialised by this object's monitor, and readers (protocols looking agents up by id)
 * read immutable snapshots without locking.
 */
@Component(service = {AgentDirectory.class, GuestSessions.class, AgentRegistry.class})
public final class AgentRegistry implements AgentDirectory, GuestSessions {
    /** Agent ids are 8 bits and 0 is the platform. */
    static final int MAX_AGENTS = 255;
    /** Where the registry keeps its table in the store: protocol id 0 is no SCMI protocol (those start at 0x10). */
    static final int REGISTRY_PROTOCOL = 0;
    private static final int PLATFORM = 0;
    private static final String AGENT_KEY = "agent/";
    private static final String DEPARTED_KEY = "departed/";
    private static final Logger LOG = LoggerFactory.getLogger(AgentRegistry.class);

    private final AgentStates states;
    private final ProfileSource profiles;
    private final Consumer<Profiles> profileListener = this::profilesChanged;
    /** Agents in the directory, by key. Guarded by this. */
    private final Map<String, GuestAgent> byKey = new HashMap<>();
    /** Agents that left the directory, by key, oldest first: each keeps its id for its guest. Guarded by this. */
    private final Map<String, GuestAgent> departed = new LinkedHashMap<>();
    private volatile GuestAgent[] byId = new GuestAgent[MAX_AGENTS + 1];
    private volatile List<Agent> agents = List.of();

    /** Counts departures, so that the order in which ids were freed outlives a restart. Guarded by this. */
    private long departures;

    @Activate
    public AgentRegistry(@Reference AgentStates states,
            @Reference(service = AgentProfiles.class) ProfileSource profiles) {
        this.states = states;
        this.profiles = profiles;
        restore();
        profiles.addListener(profileListener);
    }

    /**
     * The agents a previous server process knew, with their ids, from the store. An entry that is
     * not {@code ID NAME} (directory) or {@code ID DEPARTURE NAME} (departed), or an id given twice,
     * makes the whole table unusable.
     */
    private synchronized void restore() {
        Map<String, String> listed = states.entries(PLATFORM, REGISTRY_PROTOCOL, AGENT_KEY);
        Map<String, String> gone = states.entries(PLATFORM, REGISTRY_PROTOCOL, DEPARTED_KEY);
        if (listed.isEmpty() && gone.isEmpty()) {
            return;
        }
        Map<Long, GuestAgent> departedInOrder = new TreeMap<>();
        GuestAgent[] restored = new GuestAgent[MAX_AGENTS + 1];
        try {
            for (Map.Entry<String, String> entry : listed.entrySet()) {
                String[] fields = entry.getValue().split(" ", 2);
                GuestAgent agent = restored(restored, entry.getKey().substring(AGENT_KEY.length()), fields[0],
                        fields.length > 1 ? fields[1] : "");
                byKey.put(agent.key(), agent);
            }
            for (Map.Entry<String, String> entry : gone.entrySet()) {
                String[] fields = entry.getValue().split(" ", 3);
                if (fields.length < 2) {
                    throw new IllegalArgumentException("no departure number");
                }
                GuestAgent agent = restored(restored, entry.getKey().substring(DEPARTED_KEY.length()), fields[0],
                        fields.length > 2 ? fields[2] : "");
                long departure = Long.parseLong(fields[1]);
                departedInOrder.put(departure, agent);
                departures = Math.max(departures, departure + 1);
            }
        } catch (IllegalArgumentException e) {
            LOG.error("the agent table in the agent state is unusable ({}): agent ids start afresh, and what was kept "
                    + "for every agent is dropped so that no guest gets another's", e.getMessage());
            byKey.clear();
            departures = 0;
            for (int id = 1; id <= MAX_AGENTS; id++) {
                states.forgetAgent(id);
            }
            states.clear(PLATFORM, REGISTRY_PROTOCOL);
            return;
        }
        departedInOrder.values().forEach(agent -> departed.put(agent.key(), agent));
        for (GuestAgent agent : departed.values()) {
            restored[agent.id()] = null;
        }
        byId = restored;
        agents = listed(restored);
        LOG.info("{} agents known from the agent state: {}; {} ids kept for guests gone for good", agents.size(),
                agents, departed.size());
    }

    /** One agent of the stored table; its id must be valid and not taken by another entry. */
    private static GuestAgent restored(GuestAgent[] taken, String key, String id, String name) {
        int number = Integer.parseInt(id);
        if (number < 1 || number > MAX_AGENTS) {
            throw new IllegalArgumentException("agent id " + number + " of " + key + " is not 1.." + MAX_AGENTS);
        }
        if (taken[number] != null) {
            throw new IllegalArgumentException("agent id " + number + " is both " + taken[number].key() + " and " + key);
        }
        GuestAgent agent = new GuestAgent(number, key, name.isEmpty() ? key : name);
        taken[number] = agent;
        return agent;
    }

    /**
     * A registry without agent profiles, for running the core outside a framework (tools, fuzzing):
     * every guest sees everything and none is trusted.
     */
    public static AgentRegistry unrestricted(AgentStates states) {
        return new AgentRegistry(states, new ProfileSource() {
            @Override
            public Profiles current() {
                return Profiles.UNRESTRICTED;
            }

            @Override
            public void addListener(Consumer<Profiles> listener) {
                listener.accept(Profiles.UNRESTRICTED);
            }

            @Override
            public void removeListener(Consumer<Profiles> listener) {
            }
        });
    }

    @Deactivate
    void deactivate() {
        profiles.removeListener(profileListener);
    }

    /**
     * The agent a guest coming up is, with its view set from its profile.
     *
     * @throws GuestRefusedException if no profile has a place for it, or its agent is connected already
     */
    synchronized GuestAgent admit(GuestIdentity guest) {
        Admission admission = profiles.current().admit(guest);
        if (admission.refused()) {
            throw refused(guest, admission.refusal());
        }
        GuestAgent agent = byKey.get(admission.key());
        if (agent != null && agent.session() != null) {
            throw refused(guest, agent + " is connected already, from " + agent.transportKey());
        }
        if (agent == null) {
            agent = create(admission.key(), admission.name());
            if (agent == null) {
                throw refused(guest, "every agent id is taken: " + MAX_AGENTS + " agents are configured or "
                        + "connected");
            }
        }
        agent.configure(admission.name(), admission.view(), admission.profile());
        record(agent);
        return agent;
    }

    private static GuestRefusedException refused(GuestIdentity guest, String reason) {
        String message = "guest " + guest.key() + " (" + guest.name() + ") refused: " + reason;
        LOG.warn(message);
        return new GuestRefusedException(message);
    }

    /**
     * The guest's driver starts the device (negotiates features): its agent's view is read again
     * from the profiles in force.
     *
     * @return whether the view changed (what the agent set up then no longer matches what it sees)
     */
    synchronized boolean refresh(GuestAgent agent, GuestIdentity guest) {
        Admission admission = profiles.current().admit(guest);
        AgentView view = admission.view();
        Profile profile = admission.profile();
        if (admission.refused() || !admission.key().equals(agent.key())) {
            LOG.warn("guest {} ({}): {}; {} sees only the Base protocol until the guest reconnects", guest.key(),
                    guest.name(), admission.refused() ? admission.refusal() : "the profiles now make it another agent",
                    agent);
            view = AgentView.NOTHING;
            profile = null;
        }
        boolean changed = !view.equals(agent.view());
        agent.configure(agent.name(), view, profile);
        if (changed) {
            LOG.info("{}: its profile changed; it sees the new view from now on", agent);
        }
        return changed;
    }

    /**
     * A guest's session ended.
     *
     * @param gone whether the guest is gone for good: an agent without a profile then leaves the
     *     directory (its id stays reserved for the same guest); the agent of a profile deleted
     *     while its guest was connected becomes its guest's own agent, or leaves if it is gone
     */
    synchronized void closed(GuestAgent agent, boolean gone) {
        if (agent.session() != null || byKey.get(agent.key()) != agent) {
            return; // connected again already, or no longer listed
        }
        if (agent.key().startsWith(Profiles.PROFILE_KEY) && !isProfileAgent(agent)) {
            retire(agent, gone);
        } else if (gone && !isProfileAgent(agent)) {
            remove(agent);
        }
    }

    /**
     * The profiles changed: every profile has its agent, and agents of removed profiles become
     * their guests' own agents again once disconnected. Ids follow names: a new profile takes over
     * the agent (and id) its guest has already if the profile names no VM UUID, and the agent of a
     * deleted profile goes back to the guest that connected through it last.
     */
    private synchronized void profilesChanged(Profiles current) {
        for (Profile profile : current.profiles().stream().sorted(Comparator.comparing(Profile::pid)).toList()) {
            String key = Profiles.PROFILE_KEY + profile.name();
            GuestAgent agent = byKey.get(key);
            if (agent == null && profile.xenUuid().isEmpty()) {
                agent = byKey.values().stream().filter(guest -> !guest.key().startsWith(Profiles.PROFILE_KEY)
                        && guest.name().equals(profile.name())).findFirst().orElse(null);
                if (agent != null) {
                    LOG.info("{} is now profile {}'s agent", agent, profile.pid());
                    rekey(agent, key);
                }
            }
            if (agent == null) {
                agent = create(key, profile.name());
                if (agent == null) {
                    LOG.error("no agent id left for profile {}: {} agents are configured or connected",
                            profile.pid(), MAX_AGENTS);
                    continue;
                }
            }
            if (agent.session() == null) {
                agent.configure(profile.name(), current.view(profile), profile);
            }
        }
        for (GuestAgent agent : List.copyOf(byKey.values())) {
            if (agent.key().startsWith(Profiles.PROFILE_KEY) && agent.session() == null
                    && current.named(agent.key().substring(Profiles.PROFILE_KEY.length())).isEmpty()) {
                retire(agent, false);
            }
        }
    }

    /**
     * The agent of a deleted profile, disconnected: the guest that connected through it last keeps
     * it as its own agent (same id), unless that guest is gone or has an agent already; else it
     * leaves the directory.
     */
    private void retire(GuestAgent agent, boolean gone) {
        String guestKey = agent.transportKey();
        if (!gone && !GuestAgent.NEVER_CONNECTED.equals(guestKey) && !byKey.containsKey(guestKey)) {
            rekey(agent, guestKey);
            agent.configure(agent.name(), AgentView.NOTHING, null);
            LOG.info("{}: its profile is gone; it stays the agent of guest {}", agent, guestKey);
        } else {
            remove(agent);
        }
    }

    /** The agent gets another identity, and keeps its id and what is kept under it. */
    private void rekey(GuestAgent agent, String key) {
        byKey.remove(agent.key());
        states.put(PLATFORM, REGISTRY_PROTOCOL, AGENT_KEY + agent.key(), null);
        if (departed.remove(key) != null) {
            states.put(PLATFORM, REGISTRY_PROTOCOL, DEPARTED_KEY + key, null);
        }
        agent.rekey(key);
        byKey.put(key, agent);
        record(agent);
    }

    private boolean isProfileAgent(GuestAgent agent) {
        return agent.key().startsWith(Profiles.PROFILE_KEY)
                && profiles.current().named(agent.key().substring(Profiles.PROFILE_KEY.length())).isPresent();
    }

    /** A new agent in the directory, or null if every id is taken. */
    private GuestAgent create(String key, String name) {
        GuestAgent previous = departed.remove(key);
        GuestAgent agent;
        if (previous != null && byId[previous.id()] == null) {
            agent = previous; // the same guest again: same id, same counters
        } else {
            int id = freeId();
            if (id < 0) {
                return null;
            }
            agent = new GuestAgent(id, key, name);
            states.forgetAgent(id); // whatever was kept under the id was another guest's
        }
        byKey.put(key, agent);
        states.put(PLATFORM, REGISTRY_PROTOCOL, DEPARTED_KEY + key, null);
        record(agent);
        publish(agent.id(), agent);
        return agent;
    }

    /** Keeps the agent's id and name in the store, on disk before the guest is served under it. */
    private void record(GuestAgent agent) {
        String entry = agent.id() + " " + agent.name();
        if (!entry.equals(states.get(PLATFORM, REGISTRY_PROTOCOL, AGENT_KEY + agent.key()))) {
            states.put(PLATFORM, REGISTRY_PROTOCOL, AGENT_KEY + agent.key(), entry);
            states.persist();
        }
    }

    /** The lowest id no agent has and no departed guest keeps; else the one kept longest; else -1. */
    private int freeId() {
        boolean[] kept = new boolean[MAX_AGENTS + 1];
        departed.values().forEach(agent -> kept[agent.id()] = true);
        for (int id = 1; id <= MAX_AGENTS; id++) {
            if (byId[id] == null && !kept[id]) {
                return id;
            }
        }
        for (Iterator<GuestAgent> oldest = departed.values().iterator(); oldest.hasNext();) {
            GuestAgent agent = oldest.next();
            if (byId[agent.id()] == null) {
                oldest.remove();
                states.put(PLATFORM, REGISTRY_PROTOCOL, DEPARTED_KEY + agent.key(), null);
                return agent.id();
            }
        }
        return -1;
    }

    private void remove(GuestAgent agent) {
        byKey.remove(agent.key());
        departed.remove(agent.key());
        departed.put(agent.key(), agent);
        states.put(PLATFORM, REGISTRY_PROTOCOL, AGENT_KEY + agent.key(), null);
        states.put(PLATFORM, REGISTRY_PROTOCOL, DEPARTED_KEY + agent.key(),
                agent.id() + " " + departures++ + " " + agent.name());
        states.persist();
        publish(agent.id(), null);
        LOG.info("{} left the agent directory (its guest {} is gone for good)", agent, agent.transportKey());
    }

    private void publish(int id, GuestAgent agent) {
        GuestAgent[] changed = byId.clone();
        changed[id] = agent;
        byId = changed;
        agents = listed(changed);
    }

    private static List<Agent> listed(GuestAgent[] byId) {
        List<Agent> listed = new ArrayList<>();
        for (GuestAgent agent : byId) {
            if (agent != null) {
                listed.add(agent);
            }
        }
        return List.copyOf(listed);
    }

    @Override
    public List<Agent> agents() {
        return agents;
    }

    @Override
    public Optional<Agent> agent(int id) {
        GuestAgent[] known = byId;
        return id >= 1 && id <= MAX_AGENTS ? Optional.ofNullable(known[id]) : Optional.empty();
    }

    @Override
    public synchronized List<GuestSession> sessions() {
        List<GuestSession> sessions = new ArrayList<>();
        for (Agent known : agents) {
            sessions.add(session((GuestAgent) known, false));
        }
        departed.values().forEach(agent -> sessions.add(session(agent, true)));
        sessions.sort(Comparator.comparingInt(GuestSession::agentId).thenComparing(GuestSession::gone));
        return sessions;
    }

    private static GuestSession session(GuestAgent agent, boolean gone) {
        ScmiDeviceSession session = agent.session();
        Profile profile = agent.profile();
        return new GuestSession(agent.id(), agent.name(), agent.transportKey(), session != null,
                session == null ? 0 : session.features(), agent.requests(), agent.errors(),
                session == null ? 0 : session.pendingEvents(), profile == null ? "" : profile.name(), gone);
    }

    @Override
    public Map<String, String> queueEngines(int agentId) {
        ScmiDeviceSession session = session(agentId);
        return session == null ? Map.of() : session.queueEngines();
    }

    private ScmiDeviceSession session(int agentId) {
        return agent(agentId).map(agent -> ((GuestAgent) agent).session()).orElse(null);
    }

    @Override
    public boolean disconnect(int agentId) {
        ScmiDeviceSession session = session(agentId);
        if (session == null) {
            return false;
        }
        session.disconnect();
        return true;
    }
}
