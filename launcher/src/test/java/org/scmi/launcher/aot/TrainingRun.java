package org.scmi.launcher.aot;

import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_AGENT;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_IMPLEMENTATION_VERSION;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_LIST_PROTOCOLS;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_SUB_VENDOR;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_VENDOR;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.CLOCK_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CONFIG_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_DESCRIBE_RATES;
import static org.scmi.launcher.e2e.Scmi.CLOCK_NAME_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_PARENT_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_GET;
import static org.scmi.launcher.e2e.Scmi.POWER;
import static org.scmi.launcher.e2e.Scmi.POWER_DOMAIN_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.POWER_DOMAIN_NAME_GET;
import static org.scmi.launcher.e2e.Scmi.POWER_STATE_GET;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SENSOR;
import static org.scmi.launcher.e2e.Scmi.SENSOR_AXIS_DESCRIPTION_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONFIG_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_DESCRIPTION_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_LIST_UPDATE_INTERVALS;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READING_GET;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.scmi.launcher.e2e.ScmiGuest;
import org.scmi.launcher.e2e.ServerProcess;

/**
 * The training run behind the server's ahead-of-time cache (JDK 25, {@code -XX:AOTCacheOutput}):
 * starts the server's launcher with the cache as output, has one guest do what a Linux guest does
 * (the probe of every protocol, then sensor reads, clock and power state reads), stops the server
 * with SIGTERM and waits while the JVM writes the cache on its way out. The cache then holds the
 * classes this run loaded, already parsed and linked, and the profiles of the methods it ran, so a
 * server started with it comes up and answers its first requests sooner.
 *
 * <p>usage: {@code TrainingRun LAUNCHER CACHE [JAR]}: LAUNCHER is a {@code scmi-server} launcher
 * script, CACHE the file to write. Without JAR the launcher runs what lies beside it (a package's
 * runtime and JAR); with JAR (the source tree's build) it runs that JAR on the JVM running this
 * training run, the JDK that {@code ./scmi-server} then starts the server with.
 */
public final class TrainingRun {
    /** Rounds of the Linux probe; each round is about 80 commands. */
    private static final int PROBE_ROUNDS = 20;
    /** Reads after the probe, as hwmon and the IIO driver do for as long as the guest runs. */
    private static final int READS = 3_000;
    private static final int RESPONSE_CAPACITY = 128;
    private static final int CLOCKS = 5;
    private static final int POWER_DOMAINS = 3;
    private static final int SENSORS = 5;
    /** The built-in board's soc_temp: read at once (others take tens of milliseconds). */
    private static final int FAST_SENSOR = 0;
    /** Writing the cache at exit starts a second JVM that assembles it: give it time. */
    private static final Duration CACHE_WRITE = Duration.ofMinutes(5);

    private TrainingRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: TrainingRun LAUNCHER CACHE [JAR]");
            System.exit(2);
        }
        Path launcher = Path.of(args[0]).toAbsolutePath();
        Path cache = Path.of(args[1]).toAbsolutePath();
        Path folder = Files.createTempDirectory("scmi-training");
        Path socket = folder.resolve("training.sock");
        Files.deleteIfExists(cache);
        // No cache is read while one is written. The output option joins the JVM options the server
        // will run with (SCMI_SERVER_JAVA_OPTIONS), which the cache must be made with.
        String options = System.getenv().getOrDefault("SCMI_SERVER_JAVA_OPTIONS", "");
        Map<String, String> environment = new HashMap<>(Map.of("SCMI_SERVER_AOT_CACHE", "",
                "SCMI_SERVER_JAVA_OPTIONS", (options + " -XX:AOTCacheOutput=" + cache).trim()));
        if (args.length == 3) {
            environment.put("SCMI_SERVER_JAR", Path.of(args[2]).toAbsolutePath().toString());
            environment.put("SCMI_SERVER_JAVA", ServerProcess.java().toString());
        }
        try (ServerProcess server = ServerProcess.start("scmi-server training run",
                List.of("bash", launcher.toString(), "--socket-path", socket.toString()), environment)) {
            server.awaitListening(socket);
            try (ScmiGuest guest = ScmiGuest.connect(socket)) {
                for (int round = 0; round < PROBE_ROUNDS; round++) {
                    probe(guest);
                }
                for (int i = 0; i < READS; i++) {
                    guest.call(SENSOR, SENSOR_READING_GET, RESPONSE_CAPACITY, FAST_SENSOR, 0);
                    guest.call(CLOCK, CLOCK_RATE_GET, RESPONSE_CAPACITY, i % CLOCKS);
                    guest.call(POWER, POWER_STATE_GET, RESPONSE_CAPACITY, i % POWER_DOMAINS);
                }
            }
            server.handle().destroy(); // SIGTERM: the JVM writes the cache on its way out
            server.awaitExit(CACHE_WRITE);
            if (!Files.isRegularFile(cache)) {
                throw new IllegalStateException("the training run wrote no cache " + cache + "; output:\n"
                        + String.join("\n", server.output()));
            }
            System.out.println("training run: " + cache + " (" + Files.size(cache) / (1024 * 1024) + " MiB)");
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(folder);
        }
    }

    /** What Linux's SCMI drivers send when they probe (drivers/firmware/arm_scmi), in that order. */
    private static void probe(ScmiGuest guest) throws Exception {
        List<int[]> commands = new ArrayList<>();
        for (int protocol : new int[] {BASE, POWER, CLOCK, SENSOR}) {
            commands.add(new int[] {protocol, PROTOCOL_VERSION});
            commands.add(new int[] {protocol, PROTOCOL_ATTRIBUTES});
            commands.add(new int[] {protocol, PROTOCOL_MESSAGE_ATTRIBUTES, PROTOCOL_VERSION});
        }
        commands.add(new int[] {BASE, BASE_DISCOVER_VENDOR});
        commands.add(new int[] {BASE, BASE_DISCOVER_SUB_VENDOR});
        commands.add(new int[] {BASE, BASE_DISCOVER_IMPLEMENTATION_VERSION});
        commands.add(new int[] {BASE, BASE_DISCOVER_LIST_PROTOCOLS, 0});
        commands.add(new int[] {BASE, BASE_DISCOVER_AGENT, 0});
        for (int domain = 0; domain < POWER_DOMAINS; domain++) {
            commands.add(new int[] {POWER, POWER_DOMAIN_ATTRIBUTES, domain});
            commands.add(new int[] {POWER, POWER_DOMAIN_NAME_GET, domain});
            commands.add(new int[] {POWER, POWER_STATE_GET, domain});
        }
        for (int clock = 0; clock < CLOCKS; clock++) {
            commands.add(new int[] {CLOCK, CLOCK_ATTRIBUTES, clock});
            commands.add(new int[] {CLOCK, CLOCK_NAME_GET, clock});
            commands.add(new int[] {CLOCK, CLOCK_DESCRIBE_RATES, clock, 0});
            commands.add(new int[] {CLOCK, CLOCK_RATE_GET, clock});
            commands.add(new int[] {CLOCK, CLOCK_CONFIG_GET, clock, 0});
            commands.add(new int[] {CLOCK, CLOCK_PARENT_GET, clock});
        }
        commands.add(new int[] {SENSOR, SENSOR_DESCRIPTION_GET, 0});
        for (int sensor = 0; sensor < SENSORS; sensor++) {
            commands.add(new int[] {SENSOR, SENSOR_AXIS_DESCRIPTION_GET, sensor, 0});
            commands.add(new int[] {SENSOR, SENSOR_LIST_UPDATE_INTERVALS, sensor, 0});
            commands.add(new int[] {SENSOR, SENSOR_CONFIG_GET, sensor});
            commands.add(new int[] {SENSOR, SENSOR_READING_GET, sensor, 0});
        }
        for (int[] command : commands) {
            int[] parameters = new int[command.length - 2];
            System.arraycopy(command, 2, parameters, 0, parameters.length);
            guest.call(command[0], command[1], RESPONSE_CAPACITY, parameters);
        }
    }
}
