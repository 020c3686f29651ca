package org.scmi.launcher.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.scmi.launcher.e2e.ServerProcess;

/**
 * The scale benchmark behind {@code ./bench --guests N}: one server started with
 * {@code ./scmi-server --guests N}, and N guests ({@link PacedGuest}: each its own vhost-user
 * connection, memfd RAM, rings, kick and call eventfds, driven by a thread of its own) each
 * reading a sensor synchronously at the same steady rate, one command in flight.
 *
 * <p>In one run it measures:
 * <ul>
 * <li>the server's resident memory and threads with 0, 1 and then more and more connected guests
 * (before any traffic), and from them the cost of one more guest (the slope of a least-squares line
 * through the points);</li>
 * <li>after a warm-up with every guest sending (at least the given time, and on until the server's JIT
 * compiler threads have been idle for a while: a compilation running during a measured slice takes a
 * CPU from the server on a small machine), the latency
 * of one lone guest (guest 0 sending, the others connected and quiet) and of every guest while all
 * send, in alternating slices so that whatever else the machine does falls on both alike; the
 * server's CPU time and context switches during each.</li>
 * </ul>
 */
final class ScaleBench {
    /** Alternating slices of lone and all-guest sending, each side. */
    static final int SLICES = 10;
    /** Idle time before each memory reading, for the server to finish what connecting started. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** The warm-up goes on in steps of this until a whole step passed without JIT compilation. */
    private static final Duration WARM_UP_STEP = Duration.ofSeconds(2);
    /** ... but not longer than this. */
    private static final Duration MAX_WARM_UP = Duration.ofSeconds(90);
    /** Guests connected between two memory readings (the first reading after one guest). */
    private static final int MEMORY_STEP = 16;

    /**
     * @param guests how many guests, the first of which also sends alone
     * @param rate commands per second of each guest
     * @param measured measured time of each side (lone, all)
     * @param warmUp least time all guests send before anything is measured
     * @param config the server's configuration file, or null for none
     */
    record Settings(int guests, double rate, Duration measured, Duration warmUp, boolean pin, Path config) {
        long periodNanos() {
            return Math.round(1e9 / rate);
        }
    }

    private ScaleBench() {
    }

    /** Runs the benchmark with sockets under {@code folder}; the report on stdout. */
    static void run(Path home, Path folder, Settings settings, boolean summary) throws Exception {
        Path sockets = Files.createDirectories(folder.resolve("guests"));
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < settings.guests(); i++) {
            paths.add(sockets.resolve("guest" + i + ".sock"));
        }
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("scmi-server").toString(), "--guests",
                Integer.toString(settings.guests()), "--socket-dir", sockets.toString()));
        if (settings.config() != null) {
            command.addAll(List.of("--config", settings.config().toString()));
        }
        Bench.progress("starting the server with ./scmi-server " + String.join(" ", command.subList(2, command.size())));
        try (ServerProcess server = ServerProcess.start("scmi-server", command, Map.of());
                ExecutorService vcpus = Executors.newFixedThreadPool(settings.guests(),
                        Thread.ofPlatform().name("guest ", 0).factory())) {
            paths.forEach(server::awaitListening);
            long pid = Bench.serverJvm(server).pid();
            int cpus = Runtime.getRuntime().availableProcessors(); // before this JVM is pinned to one
            boolean pinned = settings.pin() && CpuPinning.possible(cpus);
            if (pinned) {
                CpuPinning.pin(pid, CpuPinning.backendCpus(cpus));
                CpuPinning.pin(ProcessHandle.current().pid(), CpuPinning.GUEST_CPUS);
            }
            String placement = pinned ? "Guests on CPU " + CpuPinning.GUEST_CPUS + ", the server on CPUs "
                    + CpuPinning.backendCpus(cpus) + " (taskset)." : "No CPU pinning.";
            String configured = settings.config() == null ? ""
                    : " Server configuration: " + settings.config().getFileName() + ".";
            ScaleReport report = new ScaleReport(settings, Bench.machineLine(cpus), placement + configured);
            List<PacedGuest> guests = new ArrayList<>();
            try {
                connect(settings, paths, pid, vcpus, guests, report);
                measure(settings, pid, vcpus, guests, report);
            } finally {
                guests.forEach(PacedGuest::close);
            }
            int exit = server.terminate();
            if (exit != 0) {
                throw new IllegalStateException("./scmi-server exited with " + exit + " after SIGTERM");
            }
            if (summary) {
                report.printSummary(System.out);
            } else {
                report.print(System.out);
            }
        }
    }

    /** Connects the guests, several at once, reading the server's memory at each step. */
    private static void connect(Settings settings, List<Path> paths, long pid, ExecutorService vcpus,
            List<PacedGuest> guests, ScaleReport report) throws Exception {
        Thread.sleep(SETTLE.toMillis());
        report.memory(0, ProcessMemory.of(pid));
        while (guests.size() < settings.guests()) {
            int from = guests.size();
            int to = from == 0 ? 1 : Math.min(settings.guests(), (from / MEMORY_STEP + 1) * MEMORY_STEP);
            List<Future<PacedGuest>> connecting = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int index = i;
                connecting.add(vcpus.submit(() -> PacedGuest.connect(index, paths.get(index))));
            }
            for (Future<PacedGuest> guest : connecting) {
                guests.add(guest.get());
            }
            Bench.progress(guests.size() + " guests connected");
            Thread.sleep(SETTLE.toMillis());
            report.memory(guests.size(), ProcessMemory.of(pid));
        }
    }

    private static void measure(Settings settings, long pid, ExecutorService vcpus, List<PacedGuest> guests,
            ScaleReport report) throws Exception {
        Bench.progress("warming up: every guest sends for " + settings.warmUp().toMillis()
                + " ms, then on until the JIT compiler is idle");
        long warmUpStart = System.nanoTime();
        slice(settings, vcpus, guests, settings.warmUp(), PacedGuest.Sending.WARM_UP);
        ProcessCpu compiled = ProcessCpu.of(pid);
        while (System.nanoTime() - warmUpStart < MAX_WARM_UP.toNanos()) {
            slice(settings, vcpus, guests, WARM_UP_STEP, PacedGuest.Sending.WARM_UP);
            ProcessCpu now = ProcessCpu.of(pid);
            boolean idle = now.since(compiled).compilerNanos() == 0;
            compiled = now;
            if (idle) {
                break;
            }
        }
        report.warmedUp(Duration.ofNanos(System.nanoTime() - warmUpStart));
        PacedGuest lone = guests.getFirst();
        Duration slice = settings.measured().dividedBy(SLICES);
        ProcessCpu loneCpu = ProcessCpu.NONE;
        ProcessCpu allCpu = ProcessCpu.NONE;
        for (int i = 0; i < SLICES; i++) {
            ProcessCpu before = ProcessCpu.of(pid);
            slice(settings, vcpus, List.of(lone), slice, PacedGuest.Sending.ALONE);
            ProcessCpu between = ProcessCpu.of(pid);
            slice(settings, vcpus, guests, slice, PacedGuest.Sending.TOGETHER);
            ProcessCpu after = ProcessCpu.of(pid);
            loneCpu = loneCpu.plus(between.since(before));
            allCpu = allCpu.plus(after.since(between));
            Bench.progress("slice " + (i + 1) + " of " + SLICES + " measured");
        }
        report.latencies(guests, loneCpu, allCpu);
        report.afterRuns(ProcessMemory.of(pid));
    }

    /** Every guest of {@code senders} sends for {@code length}, each on its own thread. */
    private static void slice(Settings settings, ExecutorService vcpus, List<PacedGuest> senders, Duration length,
            PacedGuest.Sending sending) throws InterruptedException, ExecutionException {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        List<Future<?>> running = new ArrayList<>();
        for (PacedGuest guest : senders) {
            running.add(vcpus.submit(() -> guest.run(start, end, settings.periodNanos(), sending)));
        }
        for (Future<?> guest : running) {
            guest.get();
        }
    }
}
