package org.scmi.board.sim.reset;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Shell commands (scope {@code scmi}) to look at the simulated reset lines and reset one as the platform. */
@Component(service = ResetCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=resetDomains",
    "osgi.command.function=resetDomain"
})
public final class ResetCommands {
    private final SimulatedResets board;

    @Activate
    public ResetCommands(@Reference SimulatedResets board) {
        this.board = board;
    }

    @Descriptor("list the simulated reset domains: whether each line is asserted and how many resets it went through")
    public String resetDomains() {
        StringBuilder table = new StringBuilder(String.format("%-8s %-22s %-9s %-7s %-8s %-6s %s%n", "KEY", "NAME",
                "ASSERTED", "RESETS", "LATENCY", "ASYNC", "DELAY"));
        for (SimulatedReset line : board.all()) {
            int latency = line.domain().latencyMicros();
            table.append(String.format("%-8s %-22s %-9s %-7d %-8s %-6s %d ms%n", line.domain().key(),
                    line.domain().name(), line.asserted() ? "yes" : "no", line.resets(),
                    latency < 0 ? "unknown" : latency + " us", line.domain().asynchronous() ? "yes" : "no",
                    line.delay().toMillis()));
        }
        return table.toString();
    }

    @Descriptor("reset a simulated domain as the platform would (a watchdog); subscribed agents get RESET_ISSUED "
            + "from agent 0")
    public String resetDomain(@Descriptor("domain key or name, as 'resetDomains' lists it") String domain) {
        SimulatedReset target = board.find(domain).orElse(null);
        if (target == null) {
            return "no simulated reset domain '" + domain + "'; type 'resetDomains' to list them";
        }
        board.resetByPlatform(target);
        return target.domain().name() + " went through reset " + target.resets();
    }
}
