package org.scmi.board.sim.power;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.power.PowerState;

/** Shell commands (scope {@code scmi}) to look at and switch the simulated power domains. */
@Component(service = PowerCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=powerDomains",
    "osgi.command.function=powerState"
})
public final class PowerCommands {
    private final SimulatedPowerDomains board;

    @Activate
    public PowerCommands(@Reference SimulatedPowerDomains board) {
        this.board = board;
    }

    @Descriptor("list the simulated power domains with their states")
    public String powerDomains() {
        StringBuilder table = new StringBuilder(String.format("%-12s %-24s %-12s %-8s %s%n", "KEY", "NAME", "STATE",
                "DELAY", "STATES"));
        for (SimulatedDomain domain : board.all()) {
            table.append(String.format("%-12s %-24s %-12s %-8s %s%n", domain.domain().key(), domain.domain().name(),
                    PowerState.describe(domain.state()), domain.transition().toMillis() + " ms",
                    StateWords.describe(domain.domain().states())));
        }
        return table.toString();
    }

    @Descriptor("switch a simulated power domain as the platform would; subscribed agents get POWER_STATE_CHANGED "
            + "from agent 0 and every agent reads the new state")
    public String powerState(
            @Descriptor("domain key or name, as 'powerDomains' lists it") String domain,
            @Descriptor("on, off, or a state word such as 0x40000001") String state) {
        SimulatedDomain target = board.find(domain).orElse(null);
        if (target == null) {
            return "no simulated power domain '" + domain + "'; type 'powerDomains' to list them";
        }
        try {
            board.switchByPlatform(target, StateWords.parse(state));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return target.domain().name() + " is now " + PowerState.describe(target.state());
    }
}
