package org.scmi.launcher.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.WaitMode;

/**
 * The benchmark's figures as Markdown, ready for the README: the machine, one table row per
 * command, wake-up style and depth with the floor and the server side by side, what a command
 * costs each back-end's serving thread, and the targets; or the same figures as {@code key=value}
 * lines for scripts ({@link #addTo}).
 */
final class Report implements Summary.Source {
    /** Most the server may add to the floor's median with a busy-polling guest and 1 command in flight. */
    static final double ADDED_MEDIAN_TARGET_MICROS = 0.3;
    /** Most resident memory with one guest connected, idle since start. */
    static final double IDLE_RESIDENT_TARGET_MIB = 72.0;
    /** Most resident memory with one guest connected, after the measured runs. */
    static final double LOADED_RESIDENT_TARGET_MIB = 80.0;

    /** One row: the same command, wake-up style and depth against the floor and against the server. */
    record Row(Workload workload, WaitMode mode, int inFlight, Measurement floor, Measurement server) {
        double addedMedianMicros() {
            return server.medianMicros() - floor.medianMicros();
        }

        double medianRatio() {
            return server.medianMicros() / floor.medianMicros();
        }
    }

    /** What one command costs a back-end's serving thread: bytes allocated and CPU time. */
    record PerCommand(double allocatedBytes, double cpuNanos) {
    }

    /** The cost of the same command on the floor and on the server. */
    record Cost(Workload workload, PerCommand floor, PerCommand server) {
        double cpuRatio() {
            return server.cpuNanos() / floor.cpuNanos();
        }
    }

    private final List<String> machine;
    private final List<Row> rows = new ArrayList<>();
    private final List<Cost> costs = new ArrayList<>();
    private ColdStart coldStart;
    private ProcessMemory connected;
    private ProcessMemory afterRuns;
    private ProcessMemory floorMemory;

    /** @param machine lines describing the date, machine and settings */
    Report(List<String> machine) {
        this.machine = List.copyOf(machine);
    }

    void add(Row row) {
        rows.add(row);
    }

    void add(Cost cost) {
        costs.add(cost);
    }

    void coldStart(ColdStart measured) {
        this.coldStart = measured;
    }

    void memory(ProcessMemory serverConnected, ProcessMemory serverAfterRuns, ProcessMemory floor) {
        this.connected = serverConnected;
        this.afterRuns = serverAfterRuns;
        this.floorMemory = floor;
    }

    /** A one-line summary of a row, for progress while the benchmark runs. */
    static String progress(Row row) {
        return String.format(Locale.ROOT, "%-26s %-12s %d in flight: floor p50 %.1f µs, server p50 %.1f µs (+%.2f µs)",
                row.workload().name(), wakeUps(row.mode()), row.inFlight(), row.floor().medianMicros(),
                row.server().medianMicros(), row.addedMedianMicros());
    }

    /** A one-line summary of a cost, for progress while the benchmark runs. */
    static String progress(Cost cost) {
        return String.format(Locale.ROOT, "%-26s per command on the serving thread: floor %.1f bytes, %.0f ns CPU; "
                + "server %.1f bytes, %.0f ns CPU", cost.workload().name(), cost.floor().allocatedBytes(),
                cost.floor().cpuNanos(), cost.server().allocatedBytes(), cost.server().cpuNanos());
    }

    void print(PrintStream out) {
        machine.forEach(out::println);
        out.println();
        out.println("| Command | Wake-ups | In flight | Floor p50 / p90 / p99 (µs) | Server p50 / p90 / p99 (µs) "
                + "| Server − floor, p50 (µs) | Server ÷ floor, p50 | Floor commands/s | Server commands/s "
                + "| Interrupts per command (floor / server) | Kicks per command (floor / server) |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row row : rows) {
            out.println(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %+.2f | %.2f | %,.0f | %,.0f | %.3f / %.3f "
                    + "| %.3f / %.3f |", row.workload().name(), wakeUps(row.mode()), row.inFlight(),
                    percentiles(row.floor()), percentiles(row.server()), row.addedMedianMicros(),
                    row.medianRatio(), row.floor().commandsPerSecond(),
                    row.server().commandsPerSecond(), row.floor().interruptsPerCommand(),
                    row.server().interruptsPerCommand(), row.floor().kicksPerCommand(), row.server().kicksPerCommand()));
        }
        out.println();
        for (Row row : rows) {
            if (row.mode() == WaitMode.BUSY_POLL && row.inFlight() == 1) {
                out.println(String.format(Locale.ROOT,
                        "- Busy polling, 1 in flight, %s: the server adds %.2f µs to the floor's median "
                                + "(target ≤ %.1f µs: %s).", row.workload().name(), row.addedMedianMicros(),
                        ADDED_MEDIAN_TARGET_MICROS, verdict(row.addedMedianMicros() <= ADDED_MEDIAN_TARGET_MICROS)));
            }
        }
        for (Row row : rows) {
            if (row.mode() == WaitMode.BUSY_POLL && row.inFlight() == 8) {
                out.println(String.format(Locale.ROOT,
                        "- Busy polling, 8 in flight, %s: the server's median is %.2f× the floor's (target ≤ %.1f×: "
                                + "%s).", row.workload().name(), row.medianRatio(), row.workload().busyRatioTarget(),
                        verdict(row.medianRatio() <= row.workload().busyRatioTarget())));
            }
        }
        if (!costs.isEmpty()) {
            out.println();
            out.println("What one command costs the threads that serve it (the vhost-user transport's pool, which takes, "
                    + "answers and returns each command inline), busy polling with 8 in flight, read through the "
                    + "JVM's ThreadMXBean after the runs above:");
            out.println();
            out.println("| Command | Floor bytes allocated | Server bytes allocated | Floor CPU (ns) | Server CPU (ns) "
                    + "| Server ÷ floor, CPU |");
            out.println("|---|---|---|---|---|---|");
            for (Cost cost : costs) {
                out.println(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.0f | %.0f | %.2f |",
                        cost.workload().name(), cost.floor().allocatedBytes(), cost.server().allocatedBytes(),
                        cost.floor().cpuNanos(), cost.server().cpuNanos(), cost.cpuRatio()));
            }
            out.println();
        }
        for (Row row : rows) {
            if (row.mode() == WaitMode.INTERRUPT && row.inFlight() > 1) {
                out.println(String.format(Locale.ROOT,
                        "- %d in flight, blocking, used_event on each round's last command, %s: %,d interrupts for "
                                + "%,d commands (%.3f per command; floor %.3f).", row.inFlight(), row.workload().name(),
                        row.server().interrupts(), row.server().commands(), row.server().interruptsPerCommand(),
                        row.floor().interruptsPerCommand()));
            }
        }
        if (coldStart != null) {
            coldStart.print(out);
        }
        if (connected != null) {
            out.println(String.format(Locale.ROOT,
                    "- Server resident memory (VmRSS) with one guest connected: %.1f MiB idle (target ≤ %.0f MiB: %s), "
                            + "%.1f MiB after the runs (target ≤ %.0f MiB: %s), peak (VmHWM) %.1f MiB. The floor's JVM: "
                            + "%.1f MiB.", connected.residentMiB(), IDLE_RESIDENT_TARGET_MIB,
                    verdict(connected.residentMiB() <= IDLE_RESIDENT_TARGET_MIB), afterRuns.residentMiB(),
                    LOADED_RESIDENT_TARGET_MIB, verdict(afterRuns.residentMiB() <= LOADED_RESIDENT_TARGET_MIB),
                    afterRuns.peakResidentMiB(), floorMemory.residentMiB()));
        }
        out.println();
        out.println("`./bench --summary`:");
        out.println();
        out.println("```");
        Summary summary = new Summary();
        addTo(summary);
        summary.print(out);
        out.println("```");
    }

    /**
     * The figures scripts read: ratios and differences to the floor measured in the same run, and
     * bytes allocated per command on the server's serving thread ({@code alloc.bytes_per_command}:
     * Base PROTOCOL_VERSION, which the SCMI core answers itself, so all of it is transport, ring and
     * core; {@code alloc.sensor.bytes_per_command} adds the sensor protocol's own work).
     */
    @Override
    public void addTo(Summary summary) {
        for (Row row : rows) {
            if (row.mode() == WaitMode.BUSY_POLL && row.inFlight() == 8) {
                summary.put("busy.d8." + row.workload().key() + ".ratio", row.medianRatio());
            }
        }
        for (Row row : rows) {
            if (row.mode() == WaitMode.BUSY_POLL && row.inFlight() == 1) {
                summary.put("busy.d1." + row.workload().key() + ".added_us", row.addedMedianMicros());
            }
        }
        for (Cost cost : costs) {
            String prefix = cost.workload().key().equals("base") ? "alloc." : "alloc." + cost.workload().key() + ".";
            summary.put(prefix + "bytes_per_command", cost.server().allocatedBytes());
        }
        for (Cost cost : costs) {
            summary.put("cpu.d8." + cost.workload().key() + ".ratio", cost.cpuRatio());
        }
        for (Row row : rows) {
            String key = "latency." + row.workload().name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                    .replaceAll("^_|_$", "") + "." + (row.mode() == WaitMode.BUSY_POLL ? "busy" : "blocking") + "."
                    + row.inFlight();
            summary.put(key + ".floor_p50_us", row.floor().medianMicros())
                    .put(key + ".server_p50_us", row.server().medianMicros())
                    .put(key + ".added_p50_us", row.addedMedianMicros());
        }
        if (coldStart != null) {
            coldStart.addTo(summary);
        }
        if (connected != null) {
            summary.put("rss.idle_mib", connected.residentMiB())
                    .put("rss.after_load_mib", afterRuns.residentMiB())
                    .put("rss.peak_mib", afterRuns.peakResidentMiB());
        }
    }

    private static String percentiles(Measurement measurement) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", measurement.percentileMicros(0.50),
                measurement.percentileMicros(0.90), measurement.percentileMicros(0.99));
    }

    private static String wakeUps(WaitMode mode) {
        return mode == WaitMode.BUSY_POLL ? "busy polling" : "blocking";
    }

    /** A figure for a {@code key=value} summary line: up to three decimals, no trailing zeros; "nan" if not finite. */
    static String summaryNumber(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value).replaceFirst("\\.?0+$", "") : "nan";
    }

    static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }
}
