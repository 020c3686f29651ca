package org.scmi.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.scmi.launcher.e2e.AdminShell;
import org.scmi.launcher.e2e.ServerProcess;
import org.scmi.transport.xen.sim.guest.SteadyLoad;

/**
 * The soak behind {@code ./soak}: one server started with {@code ./scmi-server} serving vhost-user
 * guests ({@link SoakGuest}, each its own connection and thread) and simulated Xen guests (inside
 * the server, {@code --xen-sim-rate}), all running the same {@link SteadyLoad} mix at a steady rate
 * for the whole run, while the administrator's side, through the admin socket, moves a watched
 * sensor across the guests' trip point every {@value #NOTIFY_EVERY_SECONDS} s, updates one protocol
 * bundle in turn every {@value #DEFAULT_UPDATE_EVERY_SECONDS} s (or as often as {@code --update-every}
 * says; every {@value #WARM_UP_UPDATE_EVERY_SECONDS} s during the warm-up), and one vhost-user guest
 * disconnects and connects again every {@value #RECONNECT_EVERY_SECONDS} s. Every
 * {@value #SAMPLE_EVERY_SECONDS} s it reads the server's resident memory, threads and open file
 * descriptors from {@code /proc}.
 *
 * <p>Targets, checked at the end: no failed command and no unexpected notification on any guest;
 * every guest that stayed connected received every trip point event raised; no more threads and
 * open file descriptors at the end than after the warm-up; and, once the time after the warm-up is
 * long enough for a slope to mean something ({@link #SLOPE_CHECKED_FROM}), a resident-memory slope
 * after the warm-up under {@value #RSS_SLOPE_TARGET_MIB_PER_HOUR} MiB per hour. The schedule runs on
 * one thread, so an update, a reconnection, a sensor move and a sample never overlap.
 */
final class Soak {
    /** Commands per second of each guest unless {@code --rate} says. */
    static final int DEFAULT_RATE = 20;
    static final int SAMPLE_EVERY_SECONDS = 5;
    static final int NOTIFY_EVERY_SECONDS = 10;
    static final int DEFAULT_UPDATE_EVERY_SECONDS = 60;
    static final int RECONNECT_EVERY_SECONDS = 30;
    /**
     * Offsets within the periods: a sensor move never follows an update or a reconnection closely,
     * and, when the update period divides the run's length (the default's always does), the run ends
     * a third of the period (20 s by default) after its last update, so that the last reading is not
     * of a server still settling one (the framework's resolver threads, the JIT compiling the new
     * revision).
     */
    private static final int NOTIFY_OFFSET_SECONDS = 5;
    private static final int RECONNECT_OFFSET_SECONDS = 20;
    static final double RSS_SLOPE_TARGET_MIB_PER_HOUR = 1.0;
    /**
     * The warm-up: a third of the run, at most this; at the warm-up's update period, long enough for
     * the update path to run the 200 times after which the server's JIT compiles a method (C1's
     * {@code Tier3InvocationThreshold}).
     */
    static final Duration LONGEST_WARM_UP = Duration.ofMinutes(25);
    /**
     * How often a bundle is updated during the warm-up (or as often as {@code --update-every} says,
     * if that is more often). The JIT compiles a method once it has run 200 times, and much of the
     * update path (the framework's resolver, Declarative Services, class definition, logging) runs
     * once or twice per update: at one update a minute its methods cross that count one by one for
     * hours, each compiled method keeping about 4 KiB of code and C heap, and that shows as growth
     * long after the rest of the server has settled. Not more often: the server collects replaced
     * revisions once it has been quiet for 5 s after an update, and updates closer together than
     * that pile revisions and their compiled code up, raising the code cache's resident pages for
     * good.
     */
    static final int WARM_UP_UPDATE_EVERY_SECONDS = 6;
    /** A slope over a shorter time after the warm-up is reported, not checked. */
    static final Duration SLOPE_CHECKED_FROM = Duration.ofMinutes(20);
    /** Protocol bundles updated in turn (symbolic names). */
    static final List<String> UPDATED_BUNDLES = List.of("scmi.sensor", "scmi.clock", "scmi.power");
    /** The sensor the guests' trip point watches, and the values it is held at in turn. */
    private static final String TRIP_SENSOR_NAME = "ddr_controller_temperature";
    private static final List<String> TRIP_SENSOR_VALUES = List.of("70", "55");
    /** Longest wait for the server's sockets, and for the simulated Xen guests to send: generous for a loaded machine. */
    private static final Duration SERVER_UP = Duration.ofMinutes(3);
    private static final Duration XEN_GUESTS_UP = Duration.ofMinutes(3);
    /** Time for the last notifications to arrive before the counts are read. */
    private static final Duration DRAIN = Duration.ofSeconds(3);
    private static final double KIB_PER_MIB = 1024.0;
    private static final double SECONDS_PER_HOUR = 3600.0;
    /** Where {@code ./scmi-server} finds the runnable JAR, under the project's folder. */
    private static final String RUNNABLE_JAR = "launcher/target/scmi-server.jar";
    /** A line of {@code xenGuests}: domid, state (one or two words), commands, failed, notifications, first failure. */
    private static final Pattern XEN_GUEST_LINE = Pattern.compile(
            "^(\\d+)\\s+(.+?)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(.*)$");

    /**
     * @param length how long the load runs
     * @param vhostGuests vhost-user guests, the last of which reconnects
     * @param xenGuests simulated Xen guests
     * @param rate commands per second of each guest
     * @param updateEverySeconds how often a protocol bundle is updated; 0: never (the baseline that shows what the
     *        updates add). More often than the default packs many hours' updates into a short run.
     */
    record Settings(Duration length, int vhostGuests, int xenGuests, int rate, int updateEverySeconds) {
        boolean updates() {
            return updateEverySeconds > 0;
        }

        /** Second within each update period at which the update is sent. */
        int updateOffsetSeconds() {
            return updateEverySeconds * 2 / 3;
        }

        /**
         * Whether a protocol bundle is updated at this second of the run (the first second is 1):
         * every {@link #WARM_UP_UPDATE_EVERY_SECONDS} s until the offset before the warm-up's end, so
         * that the warm-up ends as long after its last update as the run does, then once a period.
         */
        boolean updateDue(long second) {
            if (!updates()) {
                return false;
            }
            if (second <= warmUpUpdatesEnd()) {
                return second % warmUpUpdateEverySeconds() == 0;
            }
            return second % updateEverySeconds == updateOffsetSeconds();
        }

        /** How often a bundle is updated during the warm-up. */
        int warmUpUpdateEverySeconds() {
            return Math.min(updateEverySeconds, WARM_UP_UPDATE_EVERY_SECONDS);
        }

        /** The last second of the warm-up's frequent updates. */
        private long warmUpUpdatesEnd() {
            return warmUp().toSeconds() - (updateEverySeconds - updateOffsetSeconds());
        }

        Duration warmUp() {
            Duration third = length.dividedBy(3);
            return third.compareTo(LONGEST_WARM_UP) < 0 ? third : LONGEST_WARM_UP;
        }
    }

    /** One reading of the server: when (seconds since the load started), memory and threads, open fds. */
    record Sample(double seconds, ProcessMemory memory, long fds) {
    }

    /** One guest's totals: which guest, what its load did, whether it reconnected during the run. */
    record GuestResult(String name, SteadyLoad.Counts counts, boolean reconnecting) {
    }

    private Soak() {
    }

    /** What the command line asks for: the run, and whether to print {@code key=value} lines instead of the report. */
    record Options(Settings settings, boolean summary) {
    }

    /**
     * {@code ./soak [--minutes N] [--guests N] [--xen-guests N] [--rate R] [--update-every S] [--no-updates]
     * [--summary]}; exits 1 if a target is missed.
     */
    static void main(Path home, String[] args) throws Exception {
        Optional<Options> options = options(args);
        if (options.isEmpty()) {
            return;
        }
        Path folder = Files.createTempDirectory("scmi-soak");
        boolean met;
        try {
            met = run(home, folder, options.get().settings(), options.get().summary());
        } finally {
            Bench.deleteTree(folder);
        }
        if (!met) {
            System.exit(1);
        }
    }

    /** The options of {@code args}; empty after {@code --help}, which prints the usage. */
    static Optional<Options> options(String[] args) {
        int minutes = 2;
        int vhostGuests = 8;
        int xenGuests = 8;
        int rate = DEFAULT_RATE;
        int updateEvery = DEFAULT_UPDATE_EVERY_SECONDS;
        boolean summary = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Bench.positive(args[i], Bench.value(args, ++i));
                case "--guests" -> vhostGuests = Bench.positive(args[i], Bench.value(args, ++i));
                case "--xen-guests" -> xenGuests = Bench.positive(args[i], Bench.value(args, ++i));
                case "--rate" -> rate = Bench.positive(args[i], Bench.value(args, ++i));
                case "--update-every" -> updateEvery = Bench.positive(args[i], Bench.value(args, ++i));
                case "--no-updates" -> updateEvery = 0;
                case "--summary" -> summary = true;
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: ./soak [--minutes N] [--guests N] [--xen-guests N] [--rate R] [--update-every S]
                                          [--no-updates] [--summary]
                              --minutes N       how long the load runs (default 2; the README's figures: 85, i.e.
                                                a 25-minute warm-up and an hour after it)
                              --guests N        vhost-user guests, the last of which reconnects every 30 s (default 8)
                              --xen-guests N    simulated Xen guests (default 8)
                              --rate R          commands per second of each guest (default 20)
                              --update-every S  a protocol bundle updated every S seconds (default 60; fewer
                                                seconds pack many hours' updates into a short run)
                              --no-updates      no protocol bundle updates: what the rest of the load does to memory
                              --summary         key=value lines for scripts instead of the report
                            Exits 0 when every target is met, 1 when one is missed.""");
                    return Optional.empty();
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "' (try --help)");
            }
        }
        return Optional.of(new Options(new Settings(Duration.ofMinutes(minutes), vhostGuests, xenGuests, rate,
                updateEvery), summary));
    }

    /** Runs the soak with sockets under {@code folder}; prints the report; returns whether every target was met. */
    static boolean run(Path home, Path folder, Settings settings, boolean summary) throws Exception {
        Path sockets = Files.createDirectories(folder.resolve("guests"));
        Path admin = folder.resolve("admin.sock");
        Bench.progress("starting the server with ./scmi-server --guests " + settings.vhostGuests() + " --xen-sim "
                + settings.xenGuests() + " --xen-sim-rate " + settings.rate());
        try (ServerProcess server = ServerProcess.start("scmi-server", List.of("bash",
                home.resolve("scmi-server").toString(), "--guests", Integer.toString(settings.vhostGuests()),
                "--socket-dir", sockets.toString(), "--xen-sim", Integer.toString(settings.xenGuests()),
                "--xen-sim-rate", Integer.toString(settings.rate()), "--admin-socket", admin.toString()),
                // The JDK running the soak is a JDK 25: the script's finder looks at JAVA_HOME first.
                Map.of("JAVA_HOME", System.getProperty("java.home")))) {
            List<Path> paths = new ArrayList<>();
            for (int i = 0; i < settings.vhostGuests(); i++) {
                paths.add(sockets.resolve("guest" + i + ".sock"));
                awaitLine(server, ServerProcess.LISTENING + paths.getLast());
            }
            awaitLine(server, ServerProcess.ADMIN_LISTENING + admin);
            long pid = Bench.serverJvm(server).pid();
            Map<String, String> updates = AdminShell.updateCommands(admin, home.resolve(RUNNABLE_JAR), UPDATED_BUNDLES);
            awaitXenGuestsSending(admin, settings.xenGuests());
            SoakReport report = new SoakReport(settings, Bench.machineLine(Runtime.getRuntime().availableProcessors()));
            List<SoakGuest> guests = new ArrayList<>();
            try {
                for (int i = 0; i < paths.size(); i++) {
                    guests.add(SoakGuest.start(i, paths.get(i), settings.rate()));
                }
                Bench.progress(settings.vhostGuests() + " vhost-user and " + settings.xenGuests()
                        + " simulated Xen guests sending " + settings.rate() + " commands a second each, for "
                        + settings.length().toMinutes() + " min (warm-up " + settings.warmUp().toSeconds() + " s)");
                schedule(settings, admin, pid, updates, guests, report);
                Thread.sleep(DRAIN.toMillis());
                report.last(sample(pid, settings.length().toNanos() / 1e9));
                report.xenGuests(xenGuests(admin));
            } finally {
                for (SoakGuest guest : guests) {
                    guest.stop();
                }
            }
            for (SoakGuest guest : guests) {
                report.vhostGuest(new GuestResult("vhost-user guest " + guest.index(), guest.counts(),
                        guest.index() == reconnecting(guests).index()));
            }
            int exit = server.terminate();
            report.serverExit(exit);
            if (summary) {
                report.printSummary(System.out);
            } else {
                report.print(System.out);
            }
            return report.met();
        }
    }

    /** Waits for a line of the server's containing {@code text}; fails with the output so far if none comes. */
    private static void awaitLine(ServerProcess server, String text) {
        if (!server.awaitLine(line -> line.contains(text), SERVER_UP)) {
            throw new IllegalStateException("the server did not print '" + text + "' within " + SERVER_UP
                    + "; output:\n" + String.join("\n", server.output()));
        }
    }

    /** The guest that disconnects and connects again: the last. */
    private static SoakGuest reconnecting(List<SoakGuest> guests) {
        return guests.getLast();
    }

    /** The timetable, one second at a time, until the run's length. */
    private static void schedule(Settings settings, Path admin, long pid, Map<String, String> updateCommands,
            List<SoakGuest> guests, SoakReport report) throws Exception {
        long start = System.nanoTime();
        long seconds = settings.length().toSeconds();
        int updates = 0;
        int moves = 0;
        for (long second = 1; second <= seconds; second++) {
            long due = start + second * 1_000_000_000L;
            for (long wait; (wait = due - System.nanoTime()) > 0;) {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            }
            if (settings.updateDue(second)) {
                String name = UPDATED_BUNDLES.get(updates++ % UPDATED_BUNDLES.size());
                report.updated(name, admin(admin, updateCommands.get(name)));
            }
            if (second % RECONNECT_EVERY_SECONDS == RECONNECT_OFFSET_SECONDS) {
                report.reconnected(reconnecting(guests).reconnect());
            }
            if (second % NOTIFY_EVERY_SECONDS == NOTIFY_OFFSET_SECONDS) {
                String value = TRIP_SENSOR_VALUES.get(moves++ % TRIP_SENSOR_VALUES.size());
                report.moved(admin(admin, "sensorSet " + TRIP_SENSOR_NAME + " " + value));
            }
            if (second % SAMPLE_EVERY_SECONDS == 0) {
                Sample sample = sample(pid, (System.nanoTime() - start) / 1e9);
                report.sample(sample);
                if (second % 60 == 0) {
                    Bench.progress(report.progress(sample, guests.stream().mapToLong(g -> g.counts().commands()).sum(),
                            guests.stream().mapToLong(g -> g.counts().failed()).sum()));
                }
            }
        }
    }

    private static String admin(Path socket, String command) throws IOException {
        return AdminShell.command(socket, command).trim();
    }

    private static Sample sample(long pid, double seconds) throws IOException {
        long fds;
        try (Stream<Path> open = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds = open.count();
        }
        return new Sample(seconds, ProcessMemory.of(pid), fds);
    }

    /** Waits until every simulated Xen guest has subscribed and is sending its steady load. */
    private static void awaitXenGuestsSending(Path admin, int count) throws Exception {
        long deadline = System.nanoTime() + XEN_GUESTS_UP.toNanos();
        while (true) {
            List<GuestResult> guests = xenGuests(admin);
            if (guests.size() == count && guests.stream().allMatch(g -> g.counts().commands() > 2)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the simulated Xen guests are not all sending after " + XEN_GUESTS_UP
                        + ":\n" + admin(admin, "xenGuests"));
            }
            Thread.sleep(500);
        }
    }

    /** What the simulated Xen guests did so far, from the shell command {@code xenGuests}. */
    private static List<GuestResult> xenGuests(Path admin) throws IOException {
        List<GuestResult> guests = new ArrayList<>();
        for (String line : admin(admin, "xenGuests").split("\n")) {
            Matcher matcher = XEN_GUEST_LINE.matcher(line.trim());
            if (matcher.matches()) {
                String state = matcher.group(2);
                String failure = matcher.group(6).equals("-") ? null : matcher.group(6);
                long failed = Long.parseLong(matcher.group(4));
                if (state.startsWith("stopped")) {
                    failed++;
                    failure = failure != null ? failure : state;
                }
                guests.add(new GuestResult("Xen guest " + matcher.group(1), new SteadyLoad.Counts(
                        Long.parseLong(matcher.group(3)), failed, Long.parseLong(matcher.group(5)), failure), false));
            }
        }
        return guests;
    }

    static double mib(long kib) {
        return kib / KIB_PER_MIB;
    }

    /** Least-squares slope of resident memory after the warm-up, in MiB per hour. */
    static double rssSlopeMibPerHour(List<Sample> samples) {
        return LeastSquares.slope(samples.stream().mapToDouble(s -> s.seconds() / SECONDS_PER_HOUR).toArray(),
                samples.stream().mapToDouble(s -> mib(s.memory().residentKiB())).toArray());
    }
}
