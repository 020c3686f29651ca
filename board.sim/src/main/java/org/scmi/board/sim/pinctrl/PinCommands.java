package org.scmi.board.sim.pinctrl;

import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.ScmiException;
import org.scmi.api.pinctrl.Pin;
import org.scmi.api.pinctrl.PinConfig;
import org.scmi.api.pinctrl.PinConfigTypes;
import org.scmi.api.pinctrl.PinFunction;
import org.scmi.api.pinctrl.PinGroup;

/** Shell commands (scope {@code scmi}) to look at the simulated pins and change them as the platform. */
@Component(service = PinCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=pins",
    "osgi.command.function=pinSet",
    "osgi.command.function=pinLevel"
})
public final class PinCommands {
    private final SimulatedPinController board;

    @Activate
    public PinCommands(@Reference SimulatedPinController board) {
        this.board = board;
    }

    @Descriptor("list the simulated pins with the function each carries and its configs, then the groups and "
            + "functions")
    public String pins() throws ScmiException {
        StringBuilder table = new StringBuilder(String.format("%-8s %-12s %-10s %s%n", "KEY", "NAME", "FUNCTION",
                "CONFIGS"));
        for (Pin pin : board.controller().pins()) {
            table.append(String.format("%-8s %-12s %-10s %s%n", pin.key(), pin.name(),
                    board.pinFunction(pin.key()).orElse("-"),
                    board.configs(pin).stream().map(PinConfig::toString).collect(Collectors.joining(" "))));
        }
        table.append(String.format("%n%-10s %-14s %-10s %s%n", "GROUP", "NAME", "FUNCTION", "PINS"));
        for (PinGroup group : board.controller().groups()) {
            table.append(String.format("%-10s %-14s %-10s %s%n", group.key(), group.name(),
                    board.function(group.key()).orElse("-"), String.join(" ", group.pins())));
        }
        table.append(String.format("%n%-10s %-14s %s%n", "FUNCTION", "NAME", "GROUPS"));
        for (PinFunction function : board.controller().functions()) {
            table.append(String.format("%-10s %-14s %s%n", function.key(), function.name(),
                    String.join(" ", function.groups())));
        }
        return table.toString();
    }

    @Descriptor("set a config of a simulated pin as the platform would; the value becomes the pin's own, which no "
            + "agent's reset undoes")
    public String pinSet(
            @Descriptor("pin key or name, as 'pins' lists it") String pin,
            @Descriptor("config type name, such as bias-pull-up, drive-strength, output-value, oem-200") String config,
            @Descriptor("the value, within the pin's range for the type") long value) {
        Pin target = board.find(pin).orElse(null);
        if (target == null) {
            return "no simulated pin '" + pin + "'; type 'pins' to list them";
        }
        OptionalInt type = PinConfigTypes.parse(config);
        if (type.isEmpty()) {
            return "'" + config + "' is not a pin config type; the pin's types: "
                    + target.configs().keySet().stream().map(PinConfigTypes::name).toList();
        }
        try {
            board.configureByPlatform(target, new PinConfig(type.getAsInt(), value));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return target.name() + ": " + board.configs(target).stream().map(PinConfig::toString)
                .collect(Collectors.joining(" "));
    }

    @Descriptor("drive the signal outside a simulated pin: its input-value while its output is off")
    public String pinLevel(
            @Descriptor("pin key or name, as 'pins' lists it") String pin,
            @Descriptor("0 (low) or 1 (high)") int level) {
        Pin target = board.find(pin).orElse(null);
        if (target == null) {
            return "no simulated pin '" + pin + "'; type 'pins' to list them";
        }
        try {
            board.levelByPlatform(target, level);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return target.name() + " sees level " + level + " outside";
    }
}
