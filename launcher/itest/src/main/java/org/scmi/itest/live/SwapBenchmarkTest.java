package org.scmi.itest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The swap benchmark: each protocol bundle (and the simulated board) is updated {@value #ROUNDS}
 * times while three guests send continuously over vhost-user; for each, the longest time a request
 * waited, the requests served while the update ran, and the failures (which must be none). The
 * longest wait is also given against the longest wait of the same load without any update. The
 * table is printed and written to {@code launcher/itest/target/swap-benchmark.txt}.
 */
class SwapBenchmarkTest extends LiveRigTest {
    private static final int GUESTS = 3;
    private static final int ROUNDS = 3;
    private static final long BASELINE_MS = 1_000;
    private static final String REPORT = "swap-benchmark.txt";

    @BeforeAll
    static void connectGuests() throws Exception {
        connectRig("bench", GUESTS);
    }

    @Test
    void updateOfEachProtocolBundleUnderLoad() throws Exception {
        GuestLoad.Window baseline = baseline();
        List<String> failures = new ArrayList<>();
        List<String> report = new ArrayList<>();
        report.add("Swap benchmark: `update` of each bundle under load, " + ROUNDS + " times each, " + GUESTS
                + " vhost-user guests sending continuously (sensor read, clock rate get, power state get, "
                + "system power state get, reset domain attributes, supply level get, pin settings get, "
                + "performance level get, power cap get, agent discovery; notifications subscribed; waits are of "
                + "these requests)");
        report.add("run " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " on " + machine());
        report.add(String.format(Locale.ROOT, "without updates: %d requests in %d ms, p99 %.2f ms, longest %.2f ms",
                baseline.requests(), BASELINE_MS, millis(baseline.p99Nanos()), millis(baseline.longestNanos())));
        report.add("served during = requests in progress while the update ran (from `update` until the bundle's "
                + "services are back); vs no update = longest wait / longest wait without updates");
        report.add("");
        report.add(String.format("%-14s %8s %14s %18s %13s %9s", "BUNDLE", "UPDATES", "SERVED DURING",
                "LONGEST WAIT (ms)", "VS NO UPDATE", "FAILURES"));
        for (String bundle : List.of("scmi.base", "scmi.power", "scmi.clock", "scmi.sensor", "scmi.system",
                "scmi.reset", "scmi.voltage", "scmi.perf", "scmi.powercap", "scmi.pinctrl", "board.sim")) {
            long served = 0;
            long longest = 0;
            int failed = 0;
            for (int round = 0; round < ROUNDS; round++) {
                LiveRig.SwapResult result = rig.swapUnderLoad(bundle, Swaps.Operation.UPDATE);
                served += result.duringSwap().requests();
                longest = Math.max(longest, result.duringSwap().longestNanos());
                failed += result.failures().size();
                result.failures().forEach(failure -> failures.add(bundle + ": " + failure));
            }
            report.add(String.format(Locale.ROOT, "%-14s %8d %14d %18.2f %12.1fx %9d", bundle, ROUNDS, served,
                    millis(longest), (double) longest / baseline.longestNanos(), failed));
        }
        String table = String.join(System.lineSeparator(), report) + System.lineSeparator();
        System.out.print(table);
        write(table);
        assertEquals(List.of(), failures, "updates under load must not fail any request");
    }

    /**
     * The same load without any update, for reference. Its asynchronous resets are awaited, so that
     * none completes during the first swap's count.
     */
    private static GuestLoad.Window baseline() throws Exception {
        Map<LiveGuest, Long> resetsCompleted = rig.resetsCompleted();
        GuestLoad load = new GuestLoad(rig.guests(), rig.agentIds());
        load.start();
        long start = System.nanoTime();
        Thread.sleep(BASELINE_MS);
        long end = System.nanoTime();
        load.stop();
        assertEquals(List.of(), load.failures());
        assertEquals(List.of(), rig.awaitDelayedResponses(load, resetsCompleted));
        return load.between(start, end);
    }

    private static String machine() throws IOException {
        String cpu = "unknown CPU";
        Path cpuInfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuInfo)) {
            try (Stream<String> lines = Files.lines(cpuInfo)) {
                cpu = lines.filter(line -> line.startsWith("model name")).map(line -> line.replaceFirst(".*:\\s*", ""))
                        .findFirst().orElse(cpu);
            }
        }
        return String.format("%s, %d CPUs, %s %s, Java %s", cpu, Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
    }

    private static void write(String table) throws IOException {
        Files.writeString(Path.of(System.getProperty("user.dir"), REPORT), table);
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
