package org.scmi.pinctrl;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.pinctrl.PinConfigTypes;
import org.scmi.pinctrl.PinResources.GroupEntry;
import org.scmi.pinctrl.PinResources.PinEntry;

/**
 * Shell command (scope {@code scmi}) that shows how agents share the pins: who holds each pin, who
 * was denied it, and who changed what last (the values an agent's reset puts back). Pins and
 * groups are listed under the board's ids, those of an agent that sees the whole board.
 */
@Component(service = PinctrlCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=pinHolders"
})
public final class PinctrlCommands {
    private final PinctrlProtocol protocol;

    @Activate
    public PinctrlCommands(@Reference PinctrlProtocol protocol) {
        this.protocol = protocol;
    }

    @Descriptor("show, for every pin and group, the agent holding it (PINCTRL_REQUEST), the agents denied it "
            + "(PINCTRL_SET_PERMISSIONS) and the agents whose changes an agent reset would put back")
    public String pinHolders() {
        PinResources resources = protocol.board();
        PinClaims claims = protocol.claims();
        PinSettings settings = protocol.settings();
        StringBuilder table = new StringBuilder(String.format("%-4s %-20s %-8s %-10s %s%n", "PIN", "NAME", "HELD BY",
                "DENIED TO", "CHANGED BY"));
        List<PinEntry> pins = resources.pins().entries();
        for (int id = 0; id < pins.size(); id++) {
            PinEntry pin = pins.get(id);
            List<Integer> denied = claims.deniedAgents(pin);
            table.append(String.format("%-4d %-20s %-8s %-10s %s%n", id, pin.pin().name(),
                    claims.holder(pin, resources).map(String::valueOf).orElse("-"),
                    denied.isEmpty() ? "-" : denied.stream().map(String::valueOf).collect(Collectors.joining(",")),
                    changes(settings.configOwners(pin))));
        }
        table.append(String.format("%n%-5s %-20s %s%n", "GROUP", "NAME", "FUNCTION SET BY"));
        List<GroupEntry> groups = resources.groups().entries();
        for (int id = 0; id < groups.size(); id++) {
            GroupEntry group = groups.get(id);
            table.append(String.format("%-5d %-20s %s%n", id, group.group().name(),
                    settings.functionOwner(group).map(String::valueOf).orElse("-")));
        }
        return table.toString();
    }

    /** "1: bias-pull-up drive-strength; 2: output-value", or "-". */
    private static String changes(Map<Integer, List<Integer>> owners) {
        if (owners.isEmpty()) {
            return "-";
        }
        return owners.entrySet().stream().map(owner -> owner.getKey() + ": " + owner.getValue().stream()
                .map(PinConfigTypes::name).collect(Collectors.joining(" "))).collect(Collectors.joining("; "));
    }
}
