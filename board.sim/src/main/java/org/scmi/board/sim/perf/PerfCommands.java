package org.scmi.board.sim.perf;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.perf.PerfLevel;
import org.scmi.api.perf.PerfLimits;

/** Shell commands (scope {@code scmi}) to look at the simulated performance domains and act as the platform. */
@Component(service = PerfCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=perfDomains",
    "osgi.command.function=perfLevel",
    "osgi.command.function=perfLimits"
})
public final class PerfCommands {
    private final SimulatedPerfDomains board;

    @Activate
    public PerfCommands(@Reference SimulatedPerfDomains board) {
        this.board = board;
    }

    @Descriptor("list the simulated performance domains with their levels and the platform's limits")
    public String perfDomains() {
        StringBuilder table = new StringBuilder(String.format("%-8s %-16s %-9s %-19s %-10s %s%n", "KEY", "NAME",
                "LEVEL", "LIMITS (MAX..MIN)", "SUSTAINED", "LEVELS"));
        for (SimulatedPerfDomain domain : board.all()) {
            table.append(String.format("%-8s %-16s %-9d %-19s %-10d %s%n", domain.domain().key(),
                    domain.domain().name(), domain.level(), SimulatedPerfDomains.describe(domain.limits()),
                    domain.domain().sustainedLevel(),
                    domain.domain().levels().stream().map(PerfLevel::value).toList()));
        }
        return table.toString();
    }

    @Descriptor("move a simulated performance domain to a level as the platform would; subscribed agents get "
            + "PERFORMANCE_LEVEL_CHANGED from agent 0")
    public String perfLevel(
            @Descriptor("domain key or name, as 'perfDomains' lists it") String domain,
            @Descriptor("one of the domain's levels, within the platform's limits") int level) {
        SimulatedPerfDomain target = board.find(domain).orElse(null);
        if (target == null) {
            return "no simulated performance domain '" + domain + "'; type 'perfDomains' to list them";
        }
        try {
            board.setLevelByPlatform(target, level);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return target.domain().name() + " now runs at level " + target.level();
    }

    @Descriptor("set the platform's limits of a simulated performance domain; it moves into them, subscribed agents "
            + "get PERFORMANCE_LIMITS_CHANGED from agent 0 and the level moves to what agents ask for within them")
    public String perfLimits(
            @Descriptor("domain key or name, as 'perfDomains' lists it") String domain,
            @Descriptor("the highest level allowed") int max,
            @Descriptor("the lowest level allowed") int min) {
        SimulatedPerfDomain target = board.find(domain).orElse(null);
        if (target == null) {
            return "no simulated performance domain '" + domain + "'; type 'perfDomains' to list them";
        }
        try {
            board.setLimitsByPlatform(target, new PerfLimits(max, min));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return target.domain().name() + " limits " + SimulatedPerfDomains.describe(target.limits()) + ", level "
                + target.level();
    }
}
