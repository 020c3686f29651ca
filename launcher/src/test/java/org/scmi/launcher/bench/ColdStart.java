package org.scmi.launcher.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.scmi.launcher.e2e.ServerProcess;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.WaitMode;
import org.scmi.linux.LinuxException;

/**
 * A fresh server as a guest meets it: how long from starting {@code ./scmi-server} until a guest
 * that was already waiting has its first command answered, and how the first requests of a fresh
 * server compare with the same server warm.
 *
 * <p>Start: the guest tries to connect every millisecond from the moment the process is started,
 * then sends Base PROTOCOL_VERSION; the time is from the process start to the answer, over several
 * fresh servers. First requests: the last fresh server then gets 200 synchronous sensor reads at
 * 10 per second, each waited for with a blocking wake-up (a guest reading hwmon), on CPUs of their
 * own; then the same server is warmed (some seconds of reads as fast as they go) and gets the same
 * 200 paced reads again. Before any fresh server starts, the benchmark's own guest side is warmed
 * against a zero-work back-end, so that the first requests measure a cold server, not a cold guest.
 */
final class ColdStart implements Summary.Source {
    static final int PACED_REQUESTS = 200;
    static final Duration PACED_INTERVAL = Duration.ofMillis(100);
    /** Most the first requests' median may exceed the warm median, as a factor. */
    static final double FIRST_REQUESTS_RATIO_TARGET = 1.5;
    /** Most milliseconds from starting the server to its first answer. */
    static final double FIRST_ANSWER_TARGET_MS = 1500;
    private static final Duration CONNECT_RETRY = Duration.ofMillis(1);
    private static final Duration WARM_UP_PER_PATH = Duration.ofSeconds(1);
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final int GUEST_WARM_UP_REQUESTS = 20_000;

    private final List<Duration> firstAnswers;
    private final Measurement first;
    private final Measurement warm;

    private ColdStart(List<Duration> firstAnswers, Measurement first, Measurement warm) {
        this.firstAnswers = List.copyOf(firstAnswers);
        this.first = first;
        this.warm = warm;
    }

    /**
     * Starts {@code starts} fresh servers one after the other; the last one also serves the
     * first and the warm requests.
     */
    static ColdStart measure(Path home, Path folder, int starts, Duration startTimeout, boolean pin, int cpus)
            throws Exception {
        List<Duration> firstAnswers = new ArrayList<>();
        Workload sensor = Workload.sensorReading();
        warmGuestSide(folder, sensor, startTimeout);
        for (int i = 1; i <= starts; i++) {
            Path socket = folder.resolve("cold" + i + ".sock");
            long started = System.nanoTime();
            try (ServerProcess server = ServerProcess.start("scmi-server", List.of("bash",
                    home.resolve("scmi-server").toString(), "--socket-path", socket.toString()), Map.of());
                    BenchGuest guest = connectWhenListening(server, socket, startTimeout)) {
                guest.paced(Workload.protocolVersion(), 1, Duration.ZERO);
                Duration firstAnswer = Duration.ofNanos(System.nanoTime() - started);
                firstAnswers.add(firstAnswer);
                Bench.progress(String.format(Locale.ROOT, "fresh server %d of %d: first answer %d ms after start", i,
                        starts, firstAnswer.toMillis()));
                if (i == starts) {
                    if (pin) {
                        CpuPinning.pin(Bench.serverJvm(server).pid(), CpuPinning.backendCpus(cpus));
                        CpuPinning.pin(ProcessHandle.current().pid(), CpuPinning.GUEST_CPUS);
                    }
                    Bench.progress("fresh server: " + PACED_REQUESTS + " sensor reads, one every "
                            + PACED_INTERVAL.toMillis() + " ms");
                    Measurement first = guest.paced(sensor, PACED_REQUESTS, PACED_INTERVAL);
                    Bench.progress("warming the same server up, then the same reads again");
                    for (WaitMode mode : WaitMode.values()) {
                        guest.run(sensor, mode, 1, WARM_UP_PER_PATH);
                    }
                    Thread.sleep(SETTLE);
                    Measurement warm = guest.paced(sensor, PACED_REQUESTS, PACED_INTERVAL);
                    server.terminate();
                    ColdStart result = new ColdStart(firstAnswers, first, warm);
                    Bench.progress(String.format(Locale.ROOT, "first requests p50 %.1f µs, warm p50 %.1f µs: ratio %.2f",
                            first.medianMicros(), warm.medianMicros(), result.firstRequestsRatio()));
                    return result;
                }
                server.terminate();
            }
        }
        throw new IllegalArgumentException("starts must be positive: " + starts);
    }

    /**
     * Runs this JVM's guest side (front-end, ring, wake-ups) until its compiler has made it fast,
     * against the zero-work floor in a JVM of its own, which then ends.
     */
    private static void warmGuestSide(Path folder, Workload workload, Duration startTimeout) throws Exception {
        Bench.progress("warming the benchmark's guest side against a zero-work back-end");
        Path socket = folder.resolve("guest-warm-up.sock");
        try (ServerProcess floor = Bench.startFloor(List.of("--enable-native-access=ALL-UNNAMED"), socket)) {
            floor.awaitListening(socket, startTimeout);
            try (BenchGuest guest = BenchGuest.connect(socket)) {
                guest.paced(workload, GUEST_WARM_UP_REQUESTS, Duration.ZERO);
                for (WaitMode mode : WaitMode.values()) {
                    guest.run(workload, mode, 1, WARM_UP_PER_PATH);
                }
            }
        }
    }

    /** Connects as soon as the socket accepts; fails if the server ends or does not listen in time. */
    private static BenchGuest connectWhenListening(ServerProcess server, Path socket, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return BenchGuest.connect(socket);
            } catch (LinuxException notYet) {
                if (!server.handle().isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the server did not accept a guest on " + socket + "; output:\n"
                            + String.join("\n", server.output()), notYet);
                }
                Thread.sleep(CONNECT_RETRY);
            }
        }
    }

    /** Median of the fresh servers' times from start to first answer, in milliseconds. */
    double firstAnswerMillis() {
        long[] sorted = firstAnswers.stream().mapToLong(Duration::toNanos).sorted().toArray();
        return sorted[sorted.length / 2] / 1e6;
    }

    double firstRequestsRatio() {
        return first.medianMicros() / warm.medianMicros();
    }

    @Override
    public void addTo(Summary summary) {
        summary.put("start.first_answer_ms", firstAnswerMillis())
                .put("cold.first200.p50_us", first.medianMicros())
                .put("cold.warm200.p50_us", warm.medianMicros())
                .put("cold.first200.p50_ratio", firstRequestsRatio());
    }

    /** The Markdown lines of the report. */
    void print(PrintStream out) {
        out.println(String.format(Locale.ROOT, "- Start to first answer (a guest waiting before the start, "
                + "Base PROTOCOL_VERSION): median %.0f ms of %d fresh servers (%s ms; target ≤ %.0f ms: %s).",
                firstAnswerMillis(), firstAnswers.size(), String.join(", ", firstAnswers.stream()
                        .map(time -> Long.toString(time.toMillis())).toList()), FIRST_ANSWER_TARGET_MS,
                Report.verdict(firstAnswerMillis() <= FIRST_ANSWER_TARGET_MS)));
        out.println(String.format(Locale.ROOT, "- A fresh server's first %d sensor reads at one per %d ms, blocking: "
                + "p50 / p90 / p99 %.1f / %.1f / %.1f µs; the same server warm: %.1f / %.1f / %.1f µs; first ÷ warm, "
                + "p50: %.2f (target ≤ %.1f: %s).", PACED_REQUESTS, PACED_INTERVAL.toMillis(), first.medianMicros(),
                first.percentileMicros(0.90), first.percentileMicros(0.99), warm.medianMicros(),
                warm.percentileMicros(0.90), warm.percentileMicros(0.99), firstRequestsRatio(),
                FIRST_REQUESTS_RATIO_TARGET, Report.verdict(firstRequestsRatio() <= FIRST_REQUESTS_RATIO_TARGET)));
    }
}
