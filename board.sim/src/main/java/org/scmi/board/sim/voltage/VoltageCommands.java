package org.scmi.board.sim.voltage;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.voltage.VoltageLevels;

/** Shell commands (scope {@code scmi}) to look at the simulated supplies and change them as the platform. */
@Component(service = VoltageCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=voltages",
    "osgi.command.function=voltageLevel",
    "osgi.command.function=voltageOn"
})
public final class VoltageCommands {
    private final SimulatedVoltages board;

    @Activate
    public VoltageCommands(@Reference SimulatedVoltages board) {
        this.board = board;
    }

    @Descriptor("list the simulated voltage domains with their levels and on/off states")
    public String voltages() {
        StringBuilder table = new StringBuilder(String.format("%-6s %-12s %-12s %-4s %-6s %-8s %s%n", "KEY", "NAME",
                "LEVEL (uV)", "ON", "ASYNC", "DELAY", "LEVELS (uV)"));
        for (SimulatedSupply supply : board.all()) {
            table.append(String.format("%-6s %-12s %-12d %-4s %-6s %-8s %s%n", supply.domain().key(),
                    supply.domain().name(), supply.level(), supply.on() ? "yes" : "no",
                    supply.domain().asynchronousLevelSet() ? "yes" : "no", supply.delay().toMillis() + " ms",
                    describe(supply.domain().levels())));
        }
        return table.toString();
    }

    @Descriptor("set a simulated supply's level as the platform would; every agent's level request is overridden")
    public String voltageLevel(
            @Descriptor("domain key or name, as 'voltages' lists it") String domain,
            @Descriptor("the level in microvolts, one of the domain's levels") int microvolts) {
        SimulatedSupply target = board.find(domain).orElse(null);
        if (target == null) {
            return "no simulated voltage domain '" + domain + "'; type 'voltages' to list them";
        }
        try {
            board.setLevelByPlatform(target, microvolts);
        } catch (IllegalArgumentException e) {
            return e.getMessage() + "; its levels: " + describe(target.domain().levels());
        }
        return target.domain().name() + " is now at " + target.level() + " uV";
    }

    @Descriptor("switch a simulated supply on or off as the platform would; every agent's vote is overridden")
    public String voltageOn(
            @Descriptor("domain key or name, as 'voltages' lists it") String domain,
            @Descriptor("on or off") String state) {
        SimulatedSupply target = board.find(domain).orElse(null);
        if (target == null) {
            return "no simulated voltage domain '" + domain + "'; type 'voltages' to list them";
        }
        if (!state.equals("on") && !state.equals("off")) {
            return "expected on or off, found '" + state + "'";
        }
        board.setOnByPlatform(target, state.equals("on"));
        return target.domain().name() + " is now " + state;
    }

    /** The levels as a list or "low..high step s". */
    static String describe(VoltageLevels levels) {
        return switch (levels) {
            case VoltageLevels.Discrete discrete -> discrete.microvolts().toString();
            case VoltageLevels.Range range -> range.low() + ".." + range.high() + " step " + range.step();
        };
    }
}
