package org.scmi.launcher.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.WaitMode;

/**
 * The benchmark's figures as Markdown, ready for the README: the machine, one table row per
 * command, wake-up style and depth with the floor and the server side by side, and the targets.
 */
final class Report {
    /** Most the server may add to the floor's median with a busy-polling guest. */
    static final double ADDED_MEDIAN_TARGET_MICROS = 1.0;
    /** Most resident memory with one guest connected. */
    static final double RESIDENT_TARGET_MIB = 64.0;

    /** One row: the same command, wake-up style and depth against the floor and against the server. */
    record Row(Workload workload, WaitMode mode, int inFlight, Measurement floor, Measurement server) {
        double addedMedianMicros() {
            return server.medianMicros() - floor.medianMicros();
        }
    }

    private final List<String> machine;
    private final List<Row> rows = new ArrayList<>();
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
                    row.server().medianMicros() / row.floor().medianMicros(), row.floor().commandsPerSecond(),
                    row.server().commandsPerSecond(), row.floor().interruptsPerCommand(),
                    row.server().interruptsPerCommand(), row.floor().kicksPerCommand(), row.server().kicksPerCommand()));
        }
        out.println();
        for (Row row : rows) {
            if (row.mode() == WaitMode.BUSY_POLL && row.inFlight() == 1) {
                out.println(String.format(Locale.ROOT,
                        "- Busy polling, 1 in flight, %s: the server adds %.2f µs to the floor's median "
                                + "(target ≤ %.0f µs: %s).", row.workload().name(), row.addedMedianMicros(),
                        ADDED_MEDIAN_TARGET_MICROS, verdict(row.addedMedianMicros() <= ADDED_MEDIAN_TARGET_MICROS)));
            }
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
        if (connected != null) {
            double worst = Math.max(connected.residentMiB(), afterRuns.residentMiB());
            out.println(String.format(Locale.ROOT,
                    "- Server resident memory (VmRSS) with one guest connected: %.1f MiB idle, %.1f MiB after the "
                            + "runs, peak (VmHWM) %.1f MiB (target ≤ %.0f MiB: %s). The floor's JVM: %.1f MiB.",
                    connected.residentMiB(), afterRuns.residentMiB(), afterRuns.peakResidentMiB(), RESIDENT_TARGET_MIB,
                    verdict(worst <= RESIDENT_TARGET_MIB), floorMemory.residentMiB()));
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
