package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.AgentView;
import org.scmi.api.BoardResource;
import org.scmi.api.MessageHandler;
import org.scmi.api.ResourceKind;
import org.scmi.api.ResourceSelection;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiProtocol;
import org.scmi.core.admin.ProfileAdministration;

class ProfileCommandsTest {
    private static final AgentView IVI = new AgentView("ivi", false, Set.of(0x14),
            Map.of(ResourceKind.CLOCKS, ResourceSelection.of(List.of("gpu_clk", "cpu_clk"), Set.of())),
            ResourceSelection.NONE);
    private static final BoardResource CPU = new BoardResource(ResourceKind.CLOCKS, "cpu_clk", "sim/cpu");
    private static final BoardResource GPU = new BoardResource(ResourceKind.CLOCKS, "gpu_clk", "sim/gpu");

    /** A clock protocol whose resources and votes the test gives. */
    private static final ScmiProtocol CLOCK = new ScmiProtocol() {
        @Override
        public int protocolId() {
            return 0x14;
        }

        @Override
        public int version() {
            return 0x30000;
        }

        @Override
        public MessageHandler handler(int messageId, Agent agent) {
            return null;
        }

        @Override
        public List<BoardResource> resources(Agent agent) {
            return agent.view().profile().equals("ivi") ? List.of(GPU, CPU) : List.of(CPU, GPU);
        }

        @Override
        public List<ResourceVotes> votes() {
            return List.of(new ResourceVotes(CPU, "on, 1200000000 Hz", Map.of(1, "on, 1200000000 Hz", 2, "off")));
        }
    };

    private final Agent ivi = new TestAgent(1, "ivi", IVI);
    private final Agent cluster = new TestAgent(2, "cluster");
    private final AgentDirectory directory = () -> List.of(ivi, cluster);

    private static ProfileAdministration administration(boolean restricted, String defaultProfile,
            List<ProfileAdministration.ProfileInfo> infos) {
        return new ProfileAdministration() {
            @Override
            public boolean restricted() {
                return restricted;
            }

            @Override
            public String defaultProfile() {
                return defaultProfile;
            }

            @Override
            public List<ProfileInfo> profiles() {
                return infos;
            }

            @Override
            public List<String> verify() {
                return List.of();
            }
        };
    }

    @Test
    void profilesInForceTheDefaultAndRejectedConfigurations() {
        ProfileCommands commands = new ProfileCommands(administration(true, "", List.of(
                new ProfileAdministration.ProfileInfo("org.scmi.agent~cluster", "cluster", "-", false,
                        "org.scmi.agent~cluster: clocks: the board has no clock 'uart_clkk'"),
                new ProfileAdministration.ProfileInfo("org.scmi.agent~ivi", "ivi", "protocols clock; clocks gpu_clk",
                        true, ""))), directory, List.of(CLOCK));
        assertEquals("""
                AGENT    CONFIGURATION           IN FORCE  SEES
                cluster  org.scmi.agent~cluster  no        -
                ivi      org.scmi.agent~ivi      yes       protocols clock; clocks gpu_clk
                no default profile: a guest without a profile of its own is refused
                rejected: org.scmi.agent~cluster: clocks: the board has no clock 'uart_clkk'
                """, commands.profiles());
        assertEquals("no agent profile is configured: every guest is its own agent and sees the whole board\n",
                new ProfileCommands(administration(false, "", List.of()), directory, List.of()).profiles());
    }

    @Test
    void viewShowsEachResourceUnderTheIdTheAgentUses() {
        ProfileCommands commands = new ProfileCommands(administration(true, "", List.of()), directory, List.of(CLOCK));
        assertEquals("""
                agent 1 (ivi), profile ivi, untrusted: sees only itself and the platform
                PROTOCOL    KIND    ID  NAME     KEY
                0x14 clock  clocks  0   gpu_clk  sim/gpu
                0x14 clock  clocks  1   cpu_clk  sim/cpu
                """, commands.view("1"));
        assertEquals("no agent '7'; type 'guests' to list them", commands.view("7"));
    }

    @Test
    void votesShowEachAgentsVoteOnEachResource() {
        ProfileCommands commands = new ProfileCommands(administration(true, "", List.of()), directory, List.of(CLOCK));
        assertEquals("""
                KIND    RESOURCE  STATE              VOTES
                clocks  cpu_clk   on, 1200000000 Hz  1 ivi: on, 1200000000 Hz; 2 cluster: off
                """, commands.votes());
    }
}
