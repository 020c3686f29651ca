package org.scmi.launcher.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scmi.api.ProtocolNames;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiStatus;

/** Shell commands (scope {@code scmi}) about protocols: which are served, their statistics, tracing. */
@Component(service = ProtocolCommands.class, property = {
    "osgi.command.scope=scmi",
    "osgi.command.function=protocols",
    "osgi.command.function=stats",
    "osgi.command.function=trace"
})
public final class ProtocolCommands {
    private static final double[] PERCENTILES = {50, 90, 99};

    private final BundleContext context;
    private final RequestStatistics statistics;
    private final MessageTracer tracer;

    @Activate
    public ProtocolCommands(BundleContext context, @Reference RequestStatistics statistics,
            @Reference MessageTracer tracer) {
        this.context = context;
        this.statistics = statistics;
        this.tracer = tracer;
    }

    /** One registered protocol service as 'protocols' shows it. */
    record ServedProtocol(int id, String version, long bundleId, String bundleName, String bundleVersion) {
    }

    @Descriptor("list the SCMI protocols: registered protocol services with their bundles and versions, and every "
            + "protocol id guests asked for, with request counts")
    public String protocols() {
        return protocolTable(served(), statistics.snapshot());
    }

    @Descriptor("show requests, errors by status and latency percentiles per protocol, since start or the last "
            + "'stats reset'")
    public String stats() {
        return statisticsTable(statistics.snapshot());
    }

    @Descriptor("reset the statistics")
    public String stats(@Descriptor("'reset' to start counting afresh") String action) {
        if (!action.equals("reset")) {
            return "unknown stats action '" + action + "'; type 'stats' to show them or 'stats reset' to reset them";
        }
        statistics.reset();
        return "statistics reset";
    }

    @Descriptor("show which guests and protocols are traced")
    public String trace() {
        TraceSelection selection = tracer.selection();
        if (selection.isEmpty()) {
            return "nothing is traced; 'trace guest AGENT_ID on' or 'trace protocol ID on' starts tracing\n";
        }
        StringBuilder text = new StringBuilder("traced (logger " + MessageTracer.LOGGER + ", INFO, at most "
                + MessageTracer.LINES_PER_SECOND + " lines a second):\n");
        for (int agent : selection.agents()) {
            text.append("  guest ").append(agent).append('\n');
        }
        for (int protocol : selection.protocols()) {
            text.append("  protocol ").append(ProtocolNames.hex(protocol)).append(' ')
                    .append(ProtocolNames.name(protocol)).append('\n');
        }
        return text.toString();
    }

    @Descriptor("stop all tracing")
    public String trace(@Descriptor("'off'") String off) {
        if (!off.equals("off")) {
            return "type 'trace off' to stop all tracing, or 'trace guest AGENT_ID on|off', 'trace protocol ID on|off'";
        }
        tracer.stopAll();
        return "tracing stopped";
    }

    @Descriptor("trace the commands of one guest or one protocol live: one INFO line per command on logger "
            + MessageTracer.LOGGER + " (header, status, lengths, latency, parameters in hex)")
    public String trace(
            @Descriptor("'guest' or 'protocol'") String what,
            @Descriptor("the guest's agent id (see 'guests'), or the protocol's id or name (e.g. 0x15 or sensor)")
            String id,
            @Descriptor("'on' or 'off'") String onOff) {
        boolean on;
        switch (onOff) {
            case "on" -> on = true;
            case "off" -> on = false;
            default -> {
                return "say 'on' or 'off', not '" + onOff + "'";
            }
        }
        switch (what) {
            case "guest" -> {
                OptionalInt agent = GuestCommands.agentId(id);
                if (agent.isEmpty()) {
                    return "'" + id + "' is not an agent id (1..255); type 'guests' to list them";
                }
                tracer.traceAgent(agent.getAsInt(), on);
                return "guest " + agent.getAsInt() + (on ? " traced" : " no longer traced");
            }
            case "protocol" -> {
                OptionalInt protocol = ProtocolNames.parse(id);
                if (protocol.isEmpty()) {
                    return "'" + id + "' is not a protocol id (0x10..0xff) or name: " + ProtocolNames.known();
                }
                tracer.traceProtocol(protocol.getAsInt(), on);
                return "protocol " + ProtocolNames.hex(protocol.getAsInt()) + (on ? " traced" : " no longer traced");
            }
            default -> {
                return "trace 'guest' or 'protocol', not '" + what + "'; e.g. 'trace guest 1 on', 'trace protocol "
                        + "sensor on'";
            }
        }
    }

    private List<ServedProtocol> served() {
        List<ServedProtocol> served = new ArrayList<>();
        try {
            for (ServiceReference<ScmiProtocol> reference : context.getServiceReferences(ScmiProtocol.class, null)) {
                Bundle bundle = reference.getBundle();
                if (!(reference.getProperty(ScmiProtocol.PROTOCOL_ID) instanceof Integer id) || bundle == null) {
                    continue;
                }
                served.add(new ServedProtocol(id, version(reference), bundle.getBundleId(),
                        bundle.getSymbolicName(), bundle.getVersion().toString()));
            }
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
        served.sort(Comparator.comparingInt(ServedProtocol::id).thenComparingLong(ServedProtocol::bundleId));
        return served;
    }

    /** The version the service speaks, or {@code ?} if it went away meanwhile. */
    private String version(ServiceReference<ScmiProtocol> reference) {
        ScmiProtocol protocol = context.getService(reference);
        if (protocol == null) {
            return "?";
        }
        try {
            int version = protocol.version();
            return (version >>> 16) + "." + (version & 0xFFFF);
        } finally {
            context.ungetService(reference);
        }
    }

    static String protocolTable(List<ServedProtocol> served, Map<Integer, ProtocolStatistics.Snapshot> counted) {
        Table table = new Table("ID", "NAME", "VERSION", "BUNDLE", "BUNDLE VERSION", "REQUESTS");
        for (ServedProtocol protocol : served) {
            ProtocolStatistics.Snapshot stats = counted.get(protocol.id());
            table.row(ProtocolNames.hex(protocol.id()), ProtocolNames.name(protocol.id()), protocol.version(),
                    protocol.bundleId() + " " + protocol.bundleName(), protocol.bundleVersion(),
                    stats == null ? 0 : stats.requests());
        }
        for (Map.Entry<Integer, ProtocolStatistics.Snapshot> entry : counted.entrySet()) {
            if (served.stream().noneMatch(p -> p.id() == entry.getKey())) {
                table.row(ProtocolNames.hex(entry.getKey()), ProtocolNames.name(entry.getKey()), "-", "(not served)",
                        "-", entry.getValue().requests());
            }
        }
        return table.toString();
    }

    static String statisticsTable(Map<Integer, ProtocolStatistics.Snapshot> counted) {
        if (counted.isEmpty()) {
            return "no command answered yet (or since 'stats reset')\n";
        }
        Table table = new Table("ID", "NAME", "REQUESTS", "ERRORS", "P50", "P90", "P99", "MAX", "ERRORS BY STATUS");
        for (Map.Entry<Integer, ProtocolStatistics.Snapshot> entry : counted.entrySet()) {
            ProtocolStatistics.Snapshot stats = entry.getValue();
            List<Object> row = new ArrayList<>(List.of(ProtocolNames.hex(entry.getKey()),
                    ProtocolNames.name(entry.getKey()), stats.requests(), stats.errors()));
            for (double percentile : PERCENTILES) {
                row.add(Nanos.format(stats.latency().percentile(percentile)));
            }
            row.add(Nanos.format(stats.latency().max()));
            row.add(errorsByStatus(stats.byStatus()));
            table.row(row.toArray());
        }
        return table.toString();
    }

    private static String errorsByStatus(Map<ScmiStatus, Long> byStatus) {
        String errors = byStatus.entrySet().stream().filter(e -> e.getKey() != ScmiStatus.SUCCESS)
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        return errors.isEmpty() ? "-" : errors;
    }
}
