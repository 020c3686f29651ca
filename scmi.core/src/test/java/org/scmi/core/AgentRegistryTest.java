package org.scmi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.Agent;
import org.scmi.api.AgentView;
import org.scmi.api.ScmiProtocol;
import org.scmi.core.admin.GuestSessions.GuestSession;
import org.scmi.core.profile.Profile;
import org.scmi.core.profile.ProfileParser;
import org.scmi.core.profile.Profiles;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestRefusedException;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.VirtioFeatures;

/** Which agent each guest is, as guests come and go and profiles change. */
class AgentRegistryTest {
    private static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1);
    private final FixedProfiles profiles = new FixedProfiles();
    private final AgentStates states = new AgentStates();
    private final AgentRegistry registry = new AgentRegistry(states, profiles);
    private final ScmiDevice device = new ScmiDevice(registry, states, ScmiDeviceSessionTest.config(2));
    private final FakeProtocol clock = new FakeProtocol(0x14, 0x30000);
    private final Profile ivi = profile("ivi", Map.of("clocks", "cpu_clk"));
    private final Profile cluster = profile("cluster", Map.of("clocks", "uart_clk", "releaseOnDisconnect", true));

    private static Profile profile(String name, Map<String, Object> properties) {
        return ProfileParser.parse(ProfileParser.FACTORY_PID + "~" + name, properties);
    }

    private static GuestIdentity socket(String name) {
        return new GuestIdentity("vhost-user:/run/scmi/" + name + ".sock", name);
    }

    private static GuestIdentity domain(String name) {
        return new GuestIdentity("xen:" + name + "/0", name, "", true);
    }

    @BeforeEach
    void bindProtocol() {
        device.addProtocol(clock, Map.of(ScmiProtocol.PROTOCOL_ID, 0x14));
    }

    private VirtioDeviceSession connect(GuestIdentity guest) {
        VirtioDeviceSession session = device.open(guest, new RecordingTransport());
        session.setFeatures(FEATURES);
        return session;
    }

    private List<Integer> ids() {
        return registry.agents().stream().map(Agent::id).toList();
    }

    private int idOf(String name) {
        return registry.agents().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow().id();
    }

    @Test
    void withoutProfilesEachSocketIsAnAgentThatKeepsItsIdAcrossReconnects() {
        connect(socket("guest0")).close();
        VirtioDeviceSession second = connect(socket("guest1"));
        VirtioDeviceSession again = connect(socket("guest0"));
        assertEquals(List.of(1, 2), ids());
        assertEquals(1, idOf("guest0"));
        assertSame(AgentView.EVERYTHING, registry.agent(1).orElseThrow().view());
        assertEquals(List.of(), clock.resets, "a vhost-user disconnect releases nothing by default");
        second.close();
        again.close();
    }

    @Test
    void profilesHaveTheirAgentsBeforeAnyGuestConnectsAndStrangersAreRefused() {
        profiles.set(new Profiles(true, List.of(ivi, cluster), null, Set.of()));
        assertEquals(List.of("cluster", "ivi"), registry.agents().stream().map(Agent::name).toList(),
                "one agent per profile, in configuration order");
        assertTrue(registry.sessions().stream().noneMatch(GuestSession::connected));
        GuestRefusedException refused = assertThrows(GuestRefusedException.class,
                () -> device.open(socket("stranger"), new RecordingTransport()));
        assertEquals("guest vhost-user:/run/scmi/stranger.sock (stranger) refused: no profile is configured for it "
                + "(agent name 'stranger') and no default profile is named in org.scmi.agents", refused.getMessage());
    }

    @Test
    void aProfilesAgentServesOneGuestAtATimeWhateverItComesThrough() {
        profiles.set(new Profiles(true, List.of(ivi), null, Set.of()));
        int id = idOf("ivi");
        VirtioDeviceSession first = connect(socket("ivi"));
        assertEquals("ivi", registry.agent(id).orElseThrow().view().profile());
        assertThrows(GuestRefusedException.class, () -> device.open(domain("ivi"), new RecordingTransport()),
                "a second guest claiming the same agent");
        first.close();
        VirtioDeviceSession xen = connect(domain("ivi"));
        assertEquals(List.of(id), ids(), "the same agent through Xen");
        GuestSession session = registry.sessions().getFirst();
        assertEquals("xen:ivi/0", session.key());
        assertEquals("ivi", session.profile());
        xen.close();
        assertEquals(List.of(id), ids(), "a profile's agent stays listed when its guest is gone");
        assertEquals(List.of(id), clock.resets, "what it held is released");
    }

    @Test
    void aGuestGoneForGoodReleasesWhatItHeldAndLeavesTheDirectoryButKeepsItsIdForItsName() {
        VirtioDeviceSession domU = connect(domain("domU"));
        VirtioDeviceSession other = connect(domain("other"));
        int id = idOf("domU");
        domU.close();
        assertEquals(List.of(id), clock.resets);
        assertEquals(List.of(idOf("other")), ids());
        GuestSession gone = registry.sessions().stream().filter(GuestSession::gone).findFirst().orElseThrow();
        assertEquals("domU", gone.name());
        assertFalse(gone.connected());
        connect(domain("newcomer")).close();
        VirtioDeviceSession again = connect(domain("domU"));
        assertEquals(id, idOf("domU"), "the same domain created again: the same id");
        again.close();
        other.close();
    }

    @Test
    void aThousandGuestStartsLeaveExactlyTheConfiguredAndLiveAgentsAndIdsNeverRunOut() {
        profiles.set(new Profiles(true, List.of(ivi, cluster), cluster, Set.of()));
        VirtioDeviceSession live = connect(domain("long-running"));
        for (int start = 0; start < 1000; start++) {
            VirtioDeviceSession guest = connect(domain("guest-" + start % 400));
            assertTrue(registry.agents().size() <= 4);
            guest.close();
        }
        assertEquals(List.of("cluster", "ivi", "long-running"),
                registry.agents().stream().map(Agent::name).sorted().toList());
        assertTrue(registry.agents().stream().allMatch(agent -> agent.id() >= 1 && agent.id() <= 255));
        long kept = registry.sessions().stream().filter(GuestSession::gone).count();
        assertEquals(AgentRegistry.MAX_AGENTS - 3, kept, "every free id is kept for a departed guest's name");
        live.close();
    }

    @Test
    void aVhostUserGuestWhoseProfileSaysSoIsReleasedWhenItDisconnects() {
        profiles.set(new Profiles(true, List.of(ivi, cluster), null, Set.of()));
        connect(socket("ivi")).close();
        assertEquals(List.of(), clock.resets, "ivi keeps what it holds for its next connection");
        connect(socket("cluster")).close();
        assertEquals(List.of(idOf("cluster")), clock.resets);
    }

    @Test
    void aChangedProfileReachesTheGuestWhenItsDriverStartsTheDeviceAgain() {
        profiles.set(new Profiles(true, List.of(ivi), null, Set.of()));
        VirtioDeviceSession session = connect(socket("ivi"));
        Agent agent = registry.agent(idOf("ivi")).orElseThrow();
        AgentView before = agent.view();
        Profile widened = profile("ivi", Map.of("clocks", new String[] {"cpu_clk", "gpu_clk"}));
        profiles.set(new Profiles(true, List.of(widened), null, Set.of()));
        assertSame(before, agent.view(), "not while the driver runs");
        assertEquals(List.of(), clock.resets);
        session.reset();
        session.setFeatures(FEATURES);
        assertEquals(List.of("cpu_clk", "gpu_clk"), agent.view().resources(widened.resources().keySet().iterator()
                .next()).listed());
        assertEquals(List.of(agent.id()), clock.resets, "what it set up under the old view is released");
        session.setFeatures(FEATURES);
        assertEquals(List.of(agent.id()), clock.resets, "an unchanged view releases nothing");

        profiles.set(new Profiles(true, List.of(), null, Set.of()));
        session.setFeatures(FEATURES);
        assertSame(AgentView.NOTHING, agent.view(), "its profile is gone: Base only, until it reconnects");
        session.close();
        assertThrows(GuestRefusedException.class, () -> device.open(socket("ivi"), new RecordingTransport()));
    }

    @Test
    void aServerThatStopsUnderItsGuestsReleasesNothingEvenForProfilesThatReleaseOnDisconnect() {
        profiles.set(new Profiles(true, List.of(ivi, cluster), ivi, Set.of()));
        connect(socket("cluster")).detach();
        VirtioDeviceSession domU = connect(domain("domU"));
        int id = idOf("domU");
        domU.detach();
        assertEquals(List.of(), clock.resets, "a server stop is not a guest leaving");
        assertTrue(ids().contains(id), "a Xen guest the server stopped under stays in the directory");
        assertTrue(registry.sessions().stream().noneMatch(GuestSession::gone));
    }

    @Test
    void idsByNameOutliveTheServerWithTheAgentStateAndDepartedGuestsKeepTheirs() {
        profiles.set(new Profiles(true, List.of(ivi, cluster), ivi, Set.of()));
        VirtioDeviceSession first = connect(domain("first"));
        connect(domain("gone")).close();
        int ivis = idOf("ivi");
        int firsts = idOf("first");
        int gones = registry.sessions().stream().filter(GuestSession::gone).findFirst().orElseThrow().agentId();
        states.put(firsts, 0x14, "rate/sim/cpu", "800000000");
        first.detach(); // the server stops

        FixedProfiles afterRestart = new FixedProfiles();
        afterRestart.set(new Profiles(true, List.of(cluster, ivi), ivi, Set.of()));
        AgentRegistry restarted = new AgentRegistry(states, afterRestart);
        assertEquals(ivis, agentNamed(restarted, "ivi").id(), "a profile's agent keeps its id");
        assertEquals(firsts, agentNamed(restarted, "first").id(), "a guest the server stopped under is listed");
        assertEquals("800000000", states.get(firsts, 0x14, "rate/sim/cpu"), "with what it held");
        assertTrue(restarted.sessions().stream().anyMatch(session -> session.gone() && session.agentId() == gones));
        assertEquals(gones, restarted.admit(domain("gone")).id(), "a departed guest's id is still kept for it");
        assertEquals(firsts, restarted.admit(domain("first")).id());
        GuestAgent newcomer = restarted.admit(domain("newcomer"));
        assertFalse(List.of(ivis, firsts, gones, idOf("cluster")).contains(newcomer.id()));
    }

    @Test
    void anIdThatGoesToAnotherGuestStartsEmpty() {
        profiles.set(new Profiles(true, List.of(ivi), ivi, Set.of()));
        for (int start = 0; start < AgentRegistry.MAX_AGENTS; start++) {
            connect(domain("guest-" + start)).close();
        }
        List<Integer> kept = registry.sessions().stream().filter(GuestSession::gone).map(GuestSession::agentId)
                .toList();
        kept.forEach(id -> states.put(id, 0x14, "left/behind", "by a protocol that was not there to release it"));
        GuestAgent stranger = registry.admit(domain("stranger"));
        assertTrue(kept.contains(stranger.id()), "every id was used: one kept for a departed guest goes to it");
        assertEquals(null, states.get(stranger.id(), 0x14, "left/behind"));
    }

    @Test
    void aTableThatCannotBeReadDropsEveryAgentsStateRatherThanHandItToAnotherGuest() {
        states.put(0, AgentRegistry.REGISTRY_PROTOCOL, "agent/xen:vm1/0", "2 vm1");
        states.put(0, AgentRegistry.REGISTRY_PROTOCOL, "agent/xen:vm2/0", "2 vm2");
        states.put(2, 0x11, "vote/sim/gpu", "on");
        states.put(0, 0x14, "board/cpu", "kept: the platform's own");
        AgentRegistry restarted = new AgentRegistry(states, new FixedProfiles());
        assertEquals(List.of(), restarted.agents());
        assertEquals(null, states.get(2, 0x11, "vote/sim/gpu"));
        assertEquals("kept: the platform's own", states.get(0, 0x14, "board/cpu"));
        assertEquals(1, restarted.admit(domain("vm2")).id());
    }

    private static Agent agentNamed(AgentRegistry registry, String name) {
        return registry.agents().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aNewProfileTakesOverItsGuestsAgentAndIdAndADeletedOneGivesThemBack() {
        VirtioDeviceSession other = connect(socket("other"));
        VirtioDeviceSession session = connect(socket("ivi"));
        int id = idOf("ivi");
        profiles.set(new Profiles(true, List.of(ivi), ivi, Set.of()));
        assertEquals(id, idOf("ivi"), "the connected guest's agent is now the profile's");
        assertEquals(2, registry.agents().size());
        session.close();
        session = connect(socket("ivi"));
        assertEquals("ivi", registry.agent(id).orElseThrow().view().profile());
        profiles.set(Profiles.UNRESTRICTED);
        assertEquals(id, idOf("ivi"), "not while it is connected");
        session.close();
        VirtioDeviceSession again = connect(socket("ivi"));
        assertEquals(List.of(idOf("other"), id), ids(), "the guest's own agent again, with the same id");
        assertSame(AgentView.EVERYTHING, registry.agent(id).orElseThrow().view());
        again.close();
        other.close();
    }
}
