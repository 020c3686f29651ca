package org.scmi.launcher.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.scmi.launcher.e2e.ServerProcess;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.WaitMode;

/**
 * The benchmark behind {@code ./bench}: starts the server with {@code ./scmi-server} (its JVM
 * flags, the built-in simulated board) and the zero-work floor back-end ({@link FloorBackend},
 * same JVM flags), connects one guest to each, and for Base PROTOCOL_VERSION and a synchronous
 * SENSOR_READING_GET of a fast sensor measures latency percentiles and commands per second at 1
 * and 8 commands in flight, with blocking wake-ups and with busy polling, floor and server back
 * to back for each row. Then, attached to both JVMs, reads what a command costs the thread that
 * serves it (bytes allocated, CPU time). Before that, times fresh servers from start to first
 * answer and their first requests against warm ones ({@link ColdStart}). With {@code --guests N}
 * it runs the scale benchmark instead ({@link ScaleBench}). Prints a Markdown report on stdout, or with
 * {@code --summary} the figures as {@code key=value} lines ({@link Summary}); progress on stderr.
 */
public final class Bench {
    private static final List<Integer> DEPTHS = List.of(1, 8);
    private static final List<WaitMode> WAKE_UPS = List.of(WaitMode.INTERRUPT, WaitMode.BUSY_POLL);
    /** Every code path is run this long on both back-ends before anything is measured (JIT). */
    private static final Duration WARM_UP_PER_PATH = Duration.ofMillis(400);
    /**
     * Idle time before the resident memory of the freshly connected server is read: start-up's
     * compilations end and the JVM returns their scratch memory (arena pools are cleaned every 5 s).
     */
    private static final Duration SETTLE = Duration.ofSeconds(6);
    /** Turns taken by floor and server within one row's measured time. */
    private static final int SLICES = 4;
    /** Commands in flight while the serving threads' costs are read. */
    private static final int COST_DEPTH = 8;

    private record Options(Path home, Duration run, Duration warmUp, boolean pin, int guests, double rate,
            int starts, Duration startTimeout, boolean summary, Path config) {
        /** With --guests: each side of the scale benchmark is measured this long unless --seconds says. */
        private static final Duration SCALE_RUN = Duration.ofSeconds(20);
        private static final Duration SCALE_WARM_UP = Duration.ofSeconds(5);
        private static final double SCALE_RATE = 100;

        static Options parse(String[] args) {
            Path home = ServerProcess.home();
            Duration run = null;
            Duration warmUp = null;
            boolean pin = true;
            int guests = 0;
            double rate = SCALE_RATE;
            int starts = 5;
            Duration startTimeout = ServerProcess.START_TIMEOUT;
            boolean summary = false;
            Path config = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--home" -> home = Path.of(value(args, ++i));
                    case "--seconds" -> run = seconds(value(args, ++i));
                    case "--warmup" -> warmUp = seconds(value(args, ++i));
                    case "--no-pinning" -> pin = false;
                    case "--guests" -> guests = positive(args[i], value(args, ++i));
                    case "--rate" -> rate = positive(args[i], value(args, ++i));
                    case "--starts" -> starts = positive(args[i], value(args, ++i));
                    case "--start-timeout" -> startTimeout = seconds(value(args, ++i));
                    case "--summary" -> summary = true;
                    case "--config" -> config = Path.of(value(args, ++i)).toAbsolutePath();
                    case "-h", "--help" -> {
                        System.out.println("""
                                usage: ./bench [--seconds S] [--warmup S] [--starts N] [--start-timeout S] [--no-pinning]
                                               [--summary]
                                       ./bench --soak [OPTION]...  (the soak: ./soak --help)
                                       ./bench --guests N [--rate R] [--config FILE] [--seconds S] [--warmup S] [--no-pinning]
                                               [--summary]
                                  --seconds S    length of each measured run (default 2; with --guests: of the lone
                                                 guest's and of all guests' sending, each, default 20)
                                  --warmup S     unmeasured run before each measured one (default 0.3; with --guests:
                                                 every guest sending before anything is measured, at least
                                                 this (default 5) and on until the JIT compiler is idle)
                                  --starts N     fresh servers started to time start to first answer (default 5)
                                  --start-timeout S  longest wait for a server to listen (default: the end-to-end
                                                 tests' limit; a machine loaded by other work may need minutes)
                                  --no-pinning   leave the guests and the back-ends wherever the scheduler puts them
                                                 (default: guests on CPU 0, back-ends on the other CPUs)
                                  --guests N     the scale benchmark instead: N guests connected at once, each
                                                 reading a sensor at a steady rate, against one guest alone; the
                                                 server's memory and threads as guests connect
                                  --rate R       commands per second of each guest with --guests (default 100)
                                  --config FILE  with --guests: the server's configuration file (./scmi-server
                                                 --config), e.g. agent profiles with a default profile that
                                                 lists the sensor the guests read
                                  --summary      print key=value lines for scripts instead of the Markdown report""");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "' (try --help)");
                }
            }
            boolean scale = guests > 0;
            return new Options(home.toAbsolutePath().normalize(),
                    run != null ? run : scale ? SCALE_RUN : Duration.ofSeconds(2),
                    warmUp != null ? warmUp : scale ? SCALE_WARM_UP : Duration.ofMillis(300), pin, guests, rate,
                    starts, startTimeout, summary, config);
        }

        private static Duration seconds(String text) {
            return Duration.ofNanos(Math.round(Double.parseDouble(text) * 1e9));
        }
    }

    private Bench() {
    }

    /** A whole number of at least 1 given to {@code option}. */
    static int positive(String option, String text) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1) {
            throw new IllegalArgumentException(option + " needs a positive whole number, not '" + text + "'");
        }
        return value;
    }

    /** The value after the option at {@code index - 1}. */
    static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(args[index - 1] + " needs a value");
        }
        return args[index];
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("--home") && args[2].equals("--soak")) {
            try {
                Soak.main(Path.of(args[1]), Arrays.copyOfRange(args, 3, args.length));
            } catch (IllegalArgumentException e) {
                System.err.println("soak: " + e.getMessage());
                System.exit(2);
            }
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path folder = Files.createTempDirectory("scmi-bench");
        try {
            if (options.guests() > 0) {
                ScaleBench.run(options.home(), folder, new ScaleBench.Settings(options.guests(), options.rate(),
                        options.run(), options.warmUp(), options.pin(), options.config()), options.summary());
            } else {
                run(options, folder);
            }
        } finally {
            deleteTree(folder);
        }
    }

    /** Deletes a folder the benchmark made, with everything in it. */
    static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static void run(Options options, Path folder) throws Exception {
        Path serverSocket = folder.resolve("server.sock");
        Path floorSocket = folder.resolve("floor.sock");
        int cpus = Runtime.getRuntime().availableProcessors(); // before this JVM is pinned to one
        boolean pinned = options.pin() && CpuPinning.possible(cpus);
        progress("starting " + options.starts() + " fresh servers with ./scmi-server");
        ColdStart coldStart = ColdStart.measure(options.home(), folder, options.starts(), options.startTimeout(), pinned,
                cpus);
        progress("starting the server with ./scmi-server");
        try (ServerProcess server = ServerProcess.start("scmi-server",
                List.of("bash", options.home().resolve("scmi-server").toString(), "--socket-path",
                        serverSocket.toString()), Map.of())) {
            server.awaitListening(serverSocket, options.startTimeout());
            ProcessHandle serverJvm = serverJvm(server);
            List<String> jvmFlags = jvmFlags(serverJvm.pid());
            progress("starting the floor back-end with the server's JVM flags " + jvmFlags);
            try (ServerProcess floor = startFloor(jvmFlags, floorSocket)) {
                floor.awaitListening(floorSocket, options.startTimeout());
                Report report = new Report(machine(options, jvmFlags, cpus, pinned));
                report.coldStart(coldStart);
                if (pinned) {
                    CpuPinning.pin(serverJvm.pid(), CpuPinning.backendCpus(cpus));
                    CpuPinning.pin(floor.handle().pid(), CpuPinning.backendCpus(cpus));
                    CpuPinning.pin(ProcessHandle.current().pid(), CpuPinning.GUEST_CPUS);
                }
                measure(options, serverSocket, floorSocket, serverJvm.pid(), floor.handle().pid(), report);
                int exit = server.terminate();
                if (exit != 0) {
                    throw new IllegalStateException("./scmi-server exited with " + exit + " after SIGTERM");
                }
                if (options.summary()) {
                    Summary summary = new Summary();
                    report.addTo(summary);
                    summary.print(System.out);
                } else {
                    report.print(System.out);
                }
            }
        }
    }

    private static void measure(Options options, Path serverSocket, Path floorSocket, long serverPid, long floorPid,
            Report report) throws Exception {
        List<Workload> workloads = List.of(Workload.protocolVersion(), Workload.sensorReading());
        try (BenchGuest server = BenchGuest.connect(serverSocket); BenchGuest floor = BenchGuest.connect(floorSocket)) {
            progress("one guest connected; the server idles " + SETTLE.toSeconds() + " s before its memory is read");
            Thread.sleep(SETTLE.toMillis());
            ProcessMemory connected = ProcessMemory.of(serverPid);
            progress("warming up every path on both back-ends");
            for (Workload workload : workloads) {
                for (WaitMode mode : WAKE_UPS) {
                    for (int depth : DEPTHS) {
                        floor.run(workload, mode, depth, WARM_UP_PER_PATH);
                        server.run(workload, mode, depth, WARM_UP_PER_PATH);
                    }
                }
            }
            for (Workload workload : workloads) {
                for (WaitMode mode : WAKE_UPS) {
                    for (int depth : DEPTHS) {
                        Report.Row row = measureRow(options, workload, mode, depth, floor, server);
                        report.add(row);
                        progress(Report.progress(row));
                    }
                }
            }
            report.memory(connected, ProcessMemory.of(serverPid), ProcessMemory.of(floorPid));
            progress("attaching to both back-ends to read their serving threads' allocations and CPU time");
            try (ServingThread serverThread = ServingThread.of(serverPid);
                    ServingThread floorThread = ServingThread.of(floorPid)) {
                for (Workload workload : workloads) {
                    Report.Cost cost = measureCost(options, workload, floor, floorThread, server, serverThread);
                    report.add(cost);
                    progress(Report.progress(cost));
                }
            }
        }
    }

    /**
     * What one command costs the thread that serves it, on each back-end: bytes allocated and CPU
     * time, over a busy-polling run with {@link #COST_DEPTH} in flight (after the memory readings,
     * since reading these starts the back-ends' JMX agents).
     */
    private static Report.Cost measureCost(Options options, Workload workload, BenchGuest floor,
            ServingThread floorThread, BenchGuest server, ServingThread serverThread) throws Exception {
        floor.run(workload, WaitMode.BUSY_POLL, COST_DEPTH, options.warmUp());
        server.run(workload, WaitMode.BUSY_POLL, COST_DEPTH, options.warmUp());
        return new Report.Cost(workload, perCommand(options, workload, floor, floorThread),
                perCommand(options, workload, server, serverThread));
    }

    private static Report.PerCommand perCommand(Options options, Workload workload, BenchGuest guest,
            ServingThread thread) throws Exception {
        ServingThread.Usage before = thread.usage();
        Measurement run = guest.run(workload, WaitMode.BUSY_POLL, COST_DEPTH, options.run().dividedBy(2));
        ServingThread.Usage used = thread.usage().since(before);
        return new Report.PerCommand((double) used.allocatedBytes() / run.commands(),
                (double) used.cpuNanos() / run.commands());
    }

    /**
     * One row: after an unmeasured run on each, floor and server are measured in turns, slice by
     * slice, so that whatever changes on the machine meanwhile falls on both alike.
     */
    private static Report.Row measureRow(Options options, Workload workload, WaitMode mode, int depth,
            BenchGuest floor, BenchGuest server) throws Exception {
        floor.run(workload, mode, depth, options.warmUp());
        server.run(workload, mode, depth, options.warmUp());
        Duration slice = options.run().dividedBy(SLICES);
        List<Measurement> floorSlices = new ArrayList<>();
        List<Measurement> serverSlices = new ArrayList<>();
        for (int i = 0; i < SLICES; i++) {
            floorSlices.add(floor.run(workload, mode, depth, slice));
            serverSlices.add(server.run(workload, mode, depth, slice));
        }
        return new Report.Row(workload, mode, depth, Measurement.combine(floorSlices),
                Measurement.combine(serverSlices));
    }

    static ServerProcess startFloor(List<String> jvmFlags, Path socket) {
        List<String> command = new ArrayList<>();
        command.add(ServerProcess.java().toString());
        command.addAll(jvmFlags);
        command.add("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FloorBackend.class.getName());
        command.add(socket.toString());
        return ServerProcess.start("floor", command, Map.of());
    }

    /** The JVM options of a running java process: its arguments before {@code -jar}, properties left out. */
    private static List<String> jvmFlags(long pid) throws IOException {
        String[] arguments = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                StandardCharsets.UTF_8).split("\0");
        List<String> flags = new ArrayList<>();
        for (String argument : Arrays.asList(arguments).subList(1, arguments.length)) {
            if (argument.equals("-jar")) {
                break;
            }
            if (!argument.startsWith("-D")) {
                flags.add(argument);
            }
        }
        return flags;
    }

    private static List<String> machine(Options options, List<String> jvmFlags, int cpus, boolean pinned)
            throws IOException {
        return List.of(machineLine(cpus) + " Server JVM flags: " + String.join(" ", jvmFlags) + ".",
                "",
                "Each row: " + options.warmUp().toMillis() + " ms unmeasured on each back-end, then "
                        + options.run().toMillis() + " ms measured on each, floor and server taking turns in " + SLICES
                        + " slices. Latency: from just before the "
                        + "command is posted (kick included) to the guest driver seeing its used entry. Blocking: the "
                        + "driver sets used_event on the last command of each round of N and sleeps in poll(2) on its "
                        + "call eventfd. Busy polling: interrupts off, the driver spins on the used ring and keeps N "
                        + "commands in flight. Floor: the same vhost-user transport and split-ring engine with a "
                        + "device that answers every command with a fixed reply (header, SUCCESS, zeros) without "
                        + "SCMI dispatch, in its own JVM with the server's flags. "
                        + (pinned ? "The guest runs on CPU " + CpuPinning.GUEST_CPUS + ", both back-ends on CPUs "
                                + CpuPinning.backendCpus(cpus) + " (taskset)." : "No CPU pinning."));
    }

    /** Date, machine, load and JVM, as one sentence. */
    static String machineLine(int cpus) throws IOException {
        String cpu;
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 1)
                    .trim()).findFirst().orElse("unknown CPU");
        }
        // The first three fields: load averages over 1, 5 and 15 minutes.
        String load = String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).trim().split(" "))
                .subList(0, 3));
        return "Measured " + LocalDate.now() + " on " + cpus + " CPUs (" + cpu + ", load average " + load
                + " at the start), Linux " + System.getProperty("os.version") + ", " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.runtime.version") + ".";
    }

    /** The JVM that {@code ./scmi-server} started (the script's child). */
    static ProcessHandle serverJvm(ServerProcess server) {
        return server.handle().children().filter(child -> child.info().command().orElse("").endsWith("/java"))
                .findFirst().orElseThrow(() -> new IllegalStateException("./scmi-server started no java process"));
    }

    static void progress(String line) {
        System.err.println("bench: " + line);
    }
}
