package org.scmi.launcher.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.scmi.api.Agent;
import org.scmi.api.AgentDirectory;
import org.scmi.api.AgentView;
import org.scmi.api.BoardResource;
import org.scmi.api.ProtocolNames;
import org.scmi.api.ResourceVotes;
import org.scmi.api.ScmiProtocol;
import org.scmi.core.admin.ProfileAdministration;
import org.scmi.core.admin.ProfileAdministration.ProfileInfo;

/**
 * Shell commands (scope {@code scmi}) about agent profiles and who holds what: the profiles and
 * their problems, what one agent sees under which ids, and every agent's vote on each shared
 * resource.
 */
@Component(service = ProfileCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=profiles",
    "osgi.command.function=view",
    "osgi.command.function=votes"
})
public final class ProfileCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ProfileAdministration profiles;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AgentDirectory agents;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ScmiProtocol> protocols = List.of();

    public ProfileCommands() {
    }

    /** For tests: commands over given services. */
    ProfileCommands(ProfileAdministration profiles, AgentDirectory agents, List<ScmiProtocol> protocols) {
        this.profiles = profiles;
        this.agents = agents;
        this.protocols = protocols;
    }

    @Descriptor("list the agent profiles (org.scmi.agent~NAME configurations): which are in force, what each lets "
            + "its agent see, and why a configuration was rejected")
    public String profiles() {
        ProfileAdministration current = profiles;
        if (current == null) {
            return "no agent profile service: type 'lb' to check that scmi.core is ACTIVE\n";
        }
        List<ProfileInfo> infos = current.profiles();
        if (!current.restricted()) {
            return "no agent profile is configured: every guest is its own agent and sees the whole board\n";
        }
        StringBuilder text = new StringBuilder();
        Table table = new Table("AGENT", "CONFIGURATION", "IN FORCE", "SEES");
        for (ProfileInfo info : infos) {
            table.row(info.agent(), info.pid(), info.inForce() ? "yes" : "no", info.description());
        }
        text.append(table);
        text.append(current.defaultProfile().isEmpty()
                ? "no default profile: a guest without a profile of its own is refused\n"
                : "default profile: " + current.defaultProfile() + " (for guests without one of their own)\n");
        for (ProfileInfo info : infos) {
            if (!info.problem().isEmpty()) {
                text.append("rejected: ").append(info.problem()).append(info.inForce()
                        ? " (the previous version stays in force)\n" : "\n");
            }
        }
        return text.toString();
    }

    @Descriptor("show what one agent sees: the protocols it may use and each resource under the id it uses for it")
    public String view(@Descriptor("the agent id, as 'guests' lists it") String agentId) {
        OptionalInt id = GuestCommands.agentId(agentId);
        AgentDirectory directory = agents;
        Optional<Agent> agent = id.isEmpty() || directory == null ? Optional.empty() : directory.agent(id.getAsInt());
        if (agent.isEmpty()) {
            return "no agent '" + agentId + "'; type 'guests' to list them";
        }
        AgentView view = agent.get().view();
        StringBuilder text = new StringBuilder("agent " + agent.get().id() + " (" + agent.get().name() + "), "
                + (view.profile().isEmpty() ? "no profile" : "profile " + view.profile()) + ", "
                + (view.trusted() ? "trusted" : "untrusted: sees only itself and the platform") + "\n");
        Table table = new Table("PROTOCOL", "KIND", "ID", "NAME", "KEY");
        for (ScmiProtocol protocol : sorted()) {
            if (!view.allows(protocol.protocolId())) {
                continue;
            }
            List<BoardResource> seen = protocol.resources(agent.get());
            if (seen.isEmpty()) {
                table.row(protocolName(protocol.protocolId()), "-", "-", "-", "-");
            }
            for (BoardResource resource : seen) {
                table.row(protocolName(protocol.protocolId()), resource.kind().name(), kindIndex(seen, resource),
                        resource.name(), resource.key());
            }
        }
        return text.append(table).toString();
    }

    @Descriptor("show who holds what: every shared resource an agent voted on, the state the platform keeps it in, "
            + "and each agent's vote")
    public String votes() {
        List<ResourceVotes> all = new ArrayList<>();
        for (ScmiProtocol protocol : sorted()) {
            all.addAll(protocol.votes());
        }
        if (all.isEmpty()) {
            return "no agent holds a vote on any resource\n";
        }
        Table table = new Table("KIND", "RESOURCE", "STATE", "VOTES");
        for (ResourceVotes votes : all) {
            List<String> held = new ArrayList<>();
            for (Map.Entry<Integer, String> vote : votes.votes().entrySet()) {
                held.add(vote.getKey() + " " + agentName(vote.getKey()) + ": " + vote.getValue());
            }
            table.row(votes.resource().kind().name(), votes.resource().name(), votes.state(), String.join("; ", held));
        }
        return table.toString();
    }

    private List<ScmiProtocol> sorted() {
        List<ScmiProtocol> bound = new ArrayList<>(protocols);
        bound.sort(Comparator.comparingInt(ScmiProtocol::protocolId));
        return bound;
    }

    private String agentName(int agentId) {
        AgentDirectory directory = agents;
        return directory == null ? "?" : directory.agent(agentId).map(Agent::name).orElse("(gone)");
    }

    private static String protocolName(int protocolId) {
        return ProtocolNames.hex(protocolId) + " " + ProtocolNames.name(protocolId);
    }

    /** The id an agent uses for a resource: its position among the resources of its kind. */
    private static int kindIndex(List<BoardResource> seen, BoardResource resource) {
        return (int) seen.stream().takeWhile(r -> r != resource).filter(r -> r.kind().equals(resource.kind()))
                .count();
    }
}
