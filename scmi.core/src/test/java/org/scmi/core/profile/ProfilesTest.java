package org.scmi.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scmi.api.AgentView;
import org.scmi.api.BoardResource;
import org.scmi.api.ResourceKind;
import org.scmi.api.ResourceSelection;
import org.scmi.virtio.device.GuestIdentity;

class ProfilesTest {
    private static final String UUID = "6f1c3a52-0b7e-4d1a-9f1e-2a8c4b3d5e71";
    private static final Map<ResourceKind, List<BoardResource>> BOARD = Map.of(ResourceKind.CLOCKS, List.of(
            clock("cpu", "cpu_clk"), clock("gpu", "gpu_clk"), clock("uart", "uart_clk")),
            ResourceKind.SENSORS, List.of(sensor("sim/temp", "soc_temp"), sensor("host/a", "temp"),
                    sensor("host/b", "temp")));

    private static BoardResource clock(String key, String name) {
        return new BoardResource(ResourceKind.CLOCKS, name, "sim/" + key);
    }

    private static BoardResource sensor(String key, String name) {
        return new BoardResource(ResourceKind.SENSORS, name, key);
    }

    private static Profile profile(String name, Map<String, Object> properties) {
        return ProfileParser.parse(ProfileParser.FACTORY_PID + "~" + name, properties);
    }

    private static GuestIdentity vhostUser(String name) {
        return new GuestIdentity("vhost-user:/run/" + name + ".sock", name);
    }

    private static GuestIdentity xen(String name, String uuid) {
        return new GuestIdentity("xen:" + name + "/0", name, uuid, true);
    }

    private final Profile ivi = profile("ivi", Map.of("clocks", new String[] {"gpu_clk", "cpu_clk"},
            "exclusive", "gpu_clk"));
    private final Profile cluster = profile("cluster", Map.of("clocks", new String[] {"*"}, "sensors", "soc_temp"));

    @Test
    void withoutProfilesEveryGuestIsItsOwnAgentSeeingEverything() {
        Profiles.Admission admission = Profiles.UNRESTRICTED.admit(vhostUser("guest0"));
        assertFalse(admission.refused());
        assertEquals("vhost-user:/run/guest0.sock", admission.key());
        assertSame(AgentView.EVERYTHING, admission.view());
    }

    @Test
    void aGuestWithAProfileIsTheProfilesAgentWhateverTransportItComesThrough() {
        Profiles profiles = new Profiles(true, List.of(ivi, cluster), null, Set.of());
        Profiles.Admission byName = profiles.admit(vhostUser("ivi"));
        assertEquals("profile:ivi", byName.key());
        assertEquals("ivi", byName.name());
        assertTrue(byName.ownProfile());
        assertEquals(byName.key(), profiles.admit(xen("ivi", UUID)).key(), "a Xen domain named ivi too");
        assertSame(profiles.view(ivi), byName.view());
    }

    @Test
    void aProfileThatNamesAVmUuidMatchesXenGuestsByItOnly() {
        Profile pinned = profile("ivi", Map.of("clocks", "cpu_clk", "xenUuid", UUID));
        Profiles profiles = new Profiles(true, List.of(pinned), null, Set.of());
        assertEquals("profile:ivi", profiles.admit(xen("renamed-domain", UUID.toUpperCase())).key());
        assertTrue(profiles.admit(xen("ivi", "0c1c3a52-0b7e-4d1a-9f1e-2a8c4b3d5e71")).refused(),
                "a domain that only took the name is not the agent");
        assertEquals("profile:ivi", profiles.admit(vhostUser("ivi")).key(), "vhost-user guests have no UUID");
    }

    @Test
    void onceProfilesExistAGuestWithoutOneIsRefusedUnlessADefaultIsNamed() {
        Profiles.Admission refused = new Profiles(true, List.of(ivi), null, Set.of()).admit(vhostUser("stranger"));
        assertTrue(refused.refused());
        assertEquals("no profile is configured for it (agent name 'stranger') and no default profile is named in "
                + "org.scmi.agents", refused.refusal());

        Profiles withDefault = new Profiles(true, List.of(ivi, cluster), cluster, Set.of());
        Profiles.Admission served = withDefault.admit(vhostUser("stranger"));
        assertEquals("vhost-user:/run/stranger.sock", served.key(), "its own agent");
        assertEquals("stranger", served.name());
        assertFalse(served.ownProfile());
        assertSame(withDefault.view(cluster), served.view(), "with the default profile's view");
        assertTrue(new Profiles(true, List.of(), null, Set.of()).admit(vhostUser("x")).refused(),
                "profiles configured but none in force: nobody is served");
    }

    @Test
    void aGuestWhoseProfileWasRejectedIsRefusedEvenWithADefault() {
        Profiles profiles = new Profiles(true, List.of(cluster), cluster, Set.of("ivi"));
        Profiles.Admission admission = profiles.admit(vhostUser("ivi"));
        assertTrue(admission.refused());
        assertTrue(admission.refusal().contains("its profile was rejected"));
    }

    @Test
    void viewsListTheProfilesResourcesAndHideWhatOthersHoldExclusively() {
        Profiles profiles = new Profiles(true, List.of(ivi, cluster), null, Set.of());
        AgentView iviView = profiles.view(ivi);
        assertEquals("ivi", iviView.profile());
        assertEquals(Set.of(0x14), iviView.protocols());
        assertTrue(iviView.allows(0x10));
        assertFalse(iviView.allows(0x15));
        assertEquals(ResourceSelection.of(List.of("gpu_clk", "cpu_clk"), Set.of()),
                iviView.resources(ResourceKind.CLOCKS));
        assertEquals(ResourceSelection.NONE, iviView.resources(ResourceKind.POWER_DOMAINS));
        AgentView clusterView = profiles.view(cluster);
        assertEquals(ResourceSelection.allExcept(Set.of("gpu_clk")), clusterView.resources(ResourceKind.CLOCKS));
        assertEquals(ResourceSelection.of(List.of("soc_temp"), Set.of()), clusterView.resources(ResourceKind.SENSORS));
        assertFalse(clusterView.trusted());
    }

    @Test
    void checkedTogetherAgentNamesUuidsAndExclusivesMustNotCollide() {
        Profile alias = profile("other", Map.of("name", "ivi", "clocks", "uart_clk"));
        assertEquals(List.of("org.scmi.agent~other: agent 'ivi' is already org.scmi.agent~ivi"),
                Profiles.problems(alias, List.of(ivi), Map.of()));
        Profile a = profile("a", Map.of("clocks", "cpu_clk", "xenUuid", UUID));
        Profile b = profile("b", Map.of("clocks", "uart_clk", "xenUuid", UUID));
        assertEquals(List.of("org.scmi.agent~b: xenUuid " + UUID + " is already org.scmi.agent~a's"),
                Profiles.problems(b, List.of(a), Map.of()));
        Profile greedy = profile("greedy", Map.of("clocks", new String[] {"gpu_clk"}, "exclusive", "gpu_clk"));
        assertEquals(List.of("org.scmi.agent~greedy: clock 'gpu_clk' is exclusive to org.scmi.agent~ivi already"),
                Profiles.problems(greedy, List.of(ivi), Map.of()));
        Profile lister = profile("lister", Map.of("clocks", "gpu_clk"));
        assertEquals(List.of("org.scmi.agent~lister: clock 'gpu_clk' is exclusive to org.scmi.agent~ivi"),
                Profiles.problems(lister, List.of(ivi), Map.of()));
        assertEquals(List.of("org.scmi.agent~ivi: clock 'gpu_clk' cannot be exclusive: org.scmi.agent~lister "
                + "lists it"), Profiles.problems(ivi, List.of(lister), Map.of()));
        assertEquals(List.of(), Profiles.problems(cluster, List.of(ivi), BOARD), "'*' is all but the exclusive ones");
    }

    @Test
    void againstTheBoardTwoSpellingsOfAResourceAreOneAndUnknownNamesAreProblems() {
        Profile byKey = profile("bykey", Map.of("clocks", "sim/gpu"));
        assertEquals(List.of(), Profiles.problems(byKey, List.of(ivi), Map.of()), "not comparable without the board");
        assertEquals(List.of("org.scmi.agent~bykey: clock 'sim/gpu' is exclusive to org.scmi.agent~ivi"),
                Profiles.problems(byKey, List.of(ivi), BOARD));
        Profile typo = profile("typo", Map.of("clocks", "gpu_clkk", "sensors", new String[] {"temp", "host/a"}));
        assertEquals(List.of("org.scmi.agent~typo: clocks: the board has no clock 'gpu_clkk' (it has cpu_clk, "
                + "gpu_clk, uart_clk)", "org.scmi.agent~typo: sensors: several sensors are named 'temp': name one by "
                + "its key (host/a, host/b)"), Profiles.problems(typo, List.of(), BOARD));
        Profile power = profile("power", Map.of("powerDomains", "gpu_pd"));
        assertEquals(List.of(), Profiles.problems(power, List.of(), BOARD), "a protocol not running is not checked");
    }
}
