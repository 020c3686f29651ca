package org.scmi.launcher.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The scale benchmark's figures: as Markdown for the README, or as {@code key=value} lines for
 * scripts ({@code --summary}).
 */
final class ScaleReport {
    /** Most a guest's p99 may be among many guests, as a multiple of a lone guest's p99. */
    static final double P99_RATIO_TARGET = 2.0;
    /** Most resident memory one more connected guest may cost. */
    static final double KIB_PER_GUEST_TARGET = 256.0;
    private static final double NANOS_PER_MICRO = 1_000.0;
    private static final double P50 = 0.50;
    private static final double P90 = 0.90;
    private static final double P99 = 0.99;

    private final ScaleBench.Settings settings;
    private final String machine;
    private final String pinning;
    private final Map<Integer, ProcessMemory> connected = new TreeMap<>();
    private ProcessMemory afterRuns;
    private Measurement lone;
    private Measurement together;
    private final List<Measurement> perGuest = new ArrayList<>();
    private long errors;
    private long late;
    private String firstError;
    private ProcessCpu loneCpu;
    private ProcessCpu togetherCpu;
    private Duration warmUp;

    ScaleReport(ScaleBench.Settings settings, String machine, String pinning) {
        this.settings = settings;
        this.machine = machine;
        this.pinning = pinning;
    }

    /** The server's memory with {@code guests} guests connected, before any traffic. */
    void memory(int guests, ProcessMemory memory) {
        connected.put(guests, memory);
    }

    /** How long every guest sent before the measured slices (the JIT compiler idle by then, or the most allowed). */
    void warmedUp(Duration length) {
        warmUp = length;
    }

    void afterRuns(ProcessMemory memory) {
        afterRuns = memory;
    }

    void latencies(List<PacedGuest> guests, ProcessCpu loneCpu, ProcessCpu togetherCpu) {
        double seconds = settings.measured().toNanos() / 1e9;
        lone = measurement(guests.getFirst().aloneNanos(), seconds);
        long[] all = new long[0];
        for (PacedGuest guest : guests) {
            long[] own = guest.togetherNanos();
            perGuest.add(measurement(own, seconds));
            all = concat(all, own);
            errors += guest.errors();
            late += guest.late();
            if (firstError == null) {
                firstError = guest.firstError();
            }
        }
        Arrays.sort(all);
        together = measurement(all, seconds);
        this.loneCpu = loneCpu;
        this.togetherCpu = togetherCpu;
    }

    private static Measurement measurement(long[] sorted, double seconds) {
        return new Measurement(sorted, sorted.length, seconds, 0, 0);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** The guest whose p99 is highest while all send. */
    private int worstGuest() {
        int worst = 0;
        for (int i = 1; i < perGuest.size(); i++) {
            if (perGuest.get(i).percentileMicros(P99) > perGuest.get(worst).percentileMicros(P99)) {
                worst = i;
            }
        }
        return worst;
    }

    double p99Ratio() {
        return perGuest.get(worstGuest()).percentileMicros(P99) / lone.percentileMicros(P99);
    }

    /**
     * Resident memory one more connected guest costs, in KiB: the slope of the least-squares line
     * through the readings from one guest on (the first guest also loads classes no later one needs).
     */
    double kibPerGuest(ToLongFunction<ProcessMemory> kib) {
        List<Map.Entry<Integer, ProcessMemory>> points = connected.entrySet().stream().filter(e -> e.getKey() > 0)
                .toList();
        return LeastSquares.slope(points.stream().mapToDouble(Map.Entry::getKey).toArray(),
                points.stream().mapToDouble(e -> kib.applyAsLong(e.getValue())).toArray());
    }

    private ProcessMemory allConnected() {
        return connected.get(settings.guests());
    }

    private static double cpuMicrosPerCommand(ProcessCpu cpu, Measurement measurement) {
        return cpu.cpuNanos() / NANOS_PER_MICRO / measurement.commands();
    }

    void print(PrintStream out) {
        int n = settings.guests();
        out.println(machine);
        out.println();
        out.println(String.format(Locale.ROOT, "%d guests, each its own vhost-user connection, memfd RAM, split rings, "
                + "kick and call eventfds and thread, each sending a synchronous SENSOR_READING_GET of a fast sensor "
                + "%.0f times a second, one in flight, sleeping in poll(2) on its call eventfd until the answer; each "
                + "starts at a random point of the period. After %d ms of every guest sending (until the server's JIT compiler "
                + "was idle), %d ms measured on each "
                + "side in %d alternating slices: guest 0 sending alone (the others connected and quiet), then all "
                + "%d. %s", n, settings.rate(), warmUp.toMillis(), settings.measured().toMillis(),
                ScaleBench.SLICES, n, pinning));
        out.println();
        out.println("| Guests sending | Commands | Errors | p50 / p90 / p99 / max (µs) | Server CPU per command (µs) "
                + "| of which JIT compiler (µs) | Server context switches per command |");
        out.println("|---|---|---|---|---|---|---|");
        out.println(row("1 (guest 0 alone)", lone, 0, loneCpu));
        out.println(row(n + " (all, every command)", together, errors, togetherCpu));
        out.println();
        int worst = worstGuest();
        double[] p99s = perGuest.stream().mapToDouble(m -> m.percentileMicros(P99)).sorted().toArray();
        out.println(String.format(Locale.ROOT, "- Every guest's p99 with %d sending: median %.1f µs, worst %.1f µs "
                + "(guest %d); a lone guest's p99: %.1f µs. Worst ÷ lone: **%.2f** (target ≤ %.0f: %s). Errors: %d%s. "
                + "Commands sent late because the one before was still unanswered: %d.", n,
                p99s[p99s.length / 2], p99s[p99s.length - 1], worst, lone.percentileMicros(P99), p99Ratio(),
                P99_RATIO_TARGET, Report.verdict(p99Ratio() <= P99_RATIO_TARGET), errors,
                firstError == null ? "" : " (first: " + firstError + ")", late));
        out.println();
        out.println("| Guests connected | VmRSS (MiB) | anonymous (MiB) | files (MiB) | guests' RAM touched (MiB) | Threads |");
        out.println("|---|---|---|---|---|---|");
        connected.forEach((guests, memory) -> out.println(memoryRow(Integer.toString(guests), memory)));
        out.println(memoryRow(n + ", after the runs", afterRuns));
        out.println();
        double perGuestKib = kibPerGuest(ProcessMemory::residentKiB);
        out.println(String.format(Locale.ROOT, "- One more connected guest costs %.0f KiB of resident memory (target ≤ "
                + "%.0f KiB: %s): %.0f KiB anonymous, %.0f KiB files, %.0f KiB of the guest's own RAM that the server's "
                + "mapping touched (rings and buffers). Peak (VmHWM) %.1f MiB.", perGuestKib, KIB_PER_GUEST_TARGET,
                Report.verdict(perGuestKib <= KIB_PER_GUEST_TARGET), kibPerGuest(ProcessMemory::anonymousKiB),
                kibPerGuest(ProcessMemory::fileKiB), kibPerGuest(ProcessMemory::sharedKiB),
                afterRuns.peakResidentMiB()));
    }

    private static String row(String label, Measurement m, long errors, ProcessCpu cpu) {
        return String.format(Locale.ROOT, "| %s | %,d | %d | %.1f / %.1f / %.1f / %.1f | %.1f | %.1f | %.2f |", label,
                m.commands(), errors, m.percentileMicros(P50), m.percentileMicros(P90), m.percentileMicros(P99),
                m.percentileMicros(1.0), cpuMicrosPerCommand(cpu, m), cpu.compilerNanos() / NANOS_PER_MICRO / m.commands(),
                (double) cpu.contextSwitches() / m.commands());
    }

    private static String memoryRow(String label, ProcessMemory m) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %d |", label, m.residentMiB(),
                m.anonymousKiB() / 1024.0, m.fileKiB() / 1024.0, m.sharedKiB() / 1024.0, m.threads());
    }

    void printSummary(PrintStream out) {
        String g = "scale.g" + settings.guests() + ".";
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(g + "p99_ratio", Report.summaryNumber(p99Ratio()));
        keys.put(g + "errors", Long.toString(errors));
        keys.put(g + "worst_p99_us", Report.summaryNumber(perGuest.get(worstGuest()).percentileMicros(P99)));
        keys.put("scale.lone.p99_us", Report.summaryNumber(lone.percentileMicros(P99)));
        keys.put(g + "rss_mib", Report.summaryNumber(allConnected().residentMiB()));
        keys.put(g + "rss_after_runs_mib", Report.summaryNumber(afterRuns.residentMiB()));
        keys.put(g + "threads", Long.toString(allConnected().threads()));
        keys.put(g + "threads_after_runs", Long.toString(afterRuns.threads()));
        keys.put("scale.rss_per_guest_kib", Report.summaryNumber(kibPerGuest(ProcessMemory::residentKiB)));
        keys.put(g + "cpu_us_per_command", Report.summaryNumber(cpuMicrosPerCommand(togetherCpu, together)));
        keys.put("scale.lone.cpu_us_per_command", Report.summaryNumber(cpuMicrosPerCommand(loneCpu, lone)));
        keys.forEach((key, value) -> out.println(key + "=" + value));
    }
}
