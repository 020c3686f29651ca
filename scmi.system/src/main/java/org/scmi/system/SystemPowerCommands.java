package org.scmi.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.Agent;
import org.scmi.api.system.SystemState;

/**
 * Shell commands (scope {@code scmi}) of the System power management protocol: ask guests to shut
 * down, reboot or suspend, and show what guests and the platform asked for.
 */
@Component(service = SystemPowerCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=systemPower"
})
public final class SystemPowerCommands {
    private static final String ALL = "all";
    private static final String GRACEFUL = "graceful";
    private static final String FORCEFUL = "forceful";
    /** The timeout option's value when it is not given: the configured graceful timeout. */
    private static final String CONFIGURED = "-1";

    private final SystemPowerProtocol protocol;

    @Activate
    public SystemPowerCommands(@Reference SystemPowerProtocol protocol) {
        this.protocol = protocol;
    }

    @Descriptor("show the guests that listen for system power requests, a transition waiting for its graceful "
            + "timeout, and the record of requests (guests' SYSTEM_POWER_STATE_SET and the platform's)")
    public String systemPower() {
        StringBuilder text = new StringBuilder(String.format("%-6s %-16s %s%n", "AGENT", "NAME", "LISTENS"));
        for (Agent agent : protocol.agents()) {
            text.append(String.format("%-6d %-16s %s%n", agent.id(), agent.name(),
                    protocol.subscribed(agent.id()) ? "yes" : "no"));
        }
        String pending = protocol.pending();
        text.append("pending: ").append(pending == null ? "none" : pending).append('\n');
        List<String> record = protocol.record();
        text.append("record:").append(record.isEmpty() ? " empty" : "").append('\n');
        record.forEach(entry -> text.append("  ").append(entry).append('\n'));
        return text.toString();
    }

    @Descriptor("ask guests to change state: each guest that subscribed gets SYSTEM_POWER_STATE_NOTIFIER from the "
            + "platform (agent 0); says who was told. Linux acts on graceful requests only")
    public String systemPower(
            @Descriptor("timeout in ms of a graceful request (Linux forces its own shutdown at 75% of it); default "
                    + "the configured graceful timeout")
            @Parameter(names = {"-t", "--timeout"}, absentValue = CONFIGURED) int timeoutMillis,
            @Descriptor("shutdown, cold-reset (or reboot), warm-reset or suspend") String state,
            @Descriptor("graceful (the guest shuts down in order) or forceful") String mode,
            @Descriptor("'all', or the guests by agent name or id") String... guests) {
        SystemState target = parse(state);
        if (target == null) {
            return "unknown state '" + state + "'; use shutdown, cold-reset (or reboot), warm-reset or suspend";
        }
        if (!mode.equals(GRACEFUL) && !mode.equals(FORCEFUL)) {
            return "unknown mode '" + mode + "'; use graceful or forceful";
        }
        if (timeoutMillis < 0 && timeoutMillis != Integer.parseInt(CONFIGURED)) {
            return "the timeout must not be negative";
        }
        int timeout = timeoutMillis < 0 ? protocol.gracefulTimeoutMillis() : timeoutMillis;
        if (guests.length == 0) {
            return "name the guests to ask (agent names or ids), or 'all'";
        }
        Set<String> wanted = new TreeSet<>(List.of(guests));
        boolean all = wanted.contains(ALL);
        List<String> unknown = new ArrayList<>();
        for (String guest : wanted) {
            if (!guest.equals(ALL) && protocol.agents().stream().noneMatch(agent -> names(agent, guest))) {
                unknown.add(guest);
            }
        }
        if (!unknown.isEmpty()) {
            return "no guest " + String.join(", ", unknown) + "; type 'guests' or 'systemPower' to list them";
        }
        List<SystemPowerProtocol.Told> told = protocol.request(target, mode.equals(GRACEFUL), timeout,
                agent -> all || wanted.stream().anyMatch(guest -> names(agent, guest)));
        long notified = told.stream().filter(t -> t.delivery() == SystemPowerProtocol.Delivery.NOTIFIED).count();
        return String.format("%s (%s) sent to %d of %d guests: %s%n", SystemPowerProtocol.name(target), mode, notified,
                told.size(), SystemPowerProtocol.describe(told));
    }

    private static boolean names(Agent agent, String guest) {
        return agent.name().equals(guest) || Integer.toString(agent.id()).equals(guest);
    }

    private static SystemState parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "shutdown" -> SystemState.SHUTDOWN;
            case "cold-reset", "reboot" -> SystemState.COLD_RESET;
            case "warm-reset" -> SystemState.WARM_RESET;
            case "suspend" -> SystemState.SUSPEND;
            default -> null;
        };
    }
}
