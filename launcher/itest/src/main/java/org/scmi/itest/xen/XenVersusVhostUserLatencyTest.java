package org.scmi.itest.xen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.transport.xen.sim.guest.SimulatedGuest;

/**
 * Round-trip latency of one SCMI command, from the guest driver's kick to the response in its
 * buffer, through the Xen path (simulated hypervisor: trapped register accesses through IOREQ
 * slots and event channels, buffers through grants or foreign mappings, interrupts as SPIs; and
 * once more with the kernel's irqfd and ioeventfd) against the vhost-user path (QEMU's requests, memfd RAM, kick and call eventfds), in the same
 * framework, against the same virtio-scmi device, dispatcher, protocols and board.
 *
 * <p>Paths take turns in blocks so that drift (JIT, frequency, other load) hits them alike. The
 * normal test run uses a few hundred round trips as a check that both paths answer correctly;
 * {@code scripts/bench-xen.sh} (environment {@value #ROUND_TRIPS_VARIABLE}) runs the real count.
 * Figures go to standard output and to {@value #REPORT_FILE} in the test's working directory.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class XenVersusVhostUserLatencyTest {
    static final String ROUND_TRIPS_VARIABLE = "SCMI_XEN_BENCH_ROUND_TRIPS";
    static final String REPORT_FILE = "bench-xen.txt";
    private static final int DEFAULT_ROUND_TRIPS = 300;
    private static final int BLOCK = 100;
    private static final int TIMEOUT_MS = 10_000;
    private static final long BOOT_TIMEOUT_MS = 5_000;
    private static final long REPLY_TIMEOUT_MS = 5_000;
    private static final int RESPONSE_CAPACITY = SimulatedGuest.MESSAGE_BYTES;
    private static final int EVENT_BUFFERS = 8;
    private static final int GRANT_GUEST = 30;
    private static final int FOREIGN_GUEST = 31;
    private static final int FAST_PATH_GUEST = 32;
    private static final String VHOST_USER = "vhost-user";
    private static final String XEN_GRANTS = "xen-sim grants";
    private static final String XEN_FOREIGN = "xen-sim foreign-map";
    private static final String XEN_FAST = "xen-sim grants, eventfds";
    private static final String VHOST_USER_FACTORY_PID = "org.scmi.transport.vhostuser.guest";

    /** One command/response exchange with the device, as the guest's driver does it. */
    @FunctionalInterface
    private interface RoundTrip {
        byte[] exchange(byte[] command) throws Exception;
    }

    /** A command measured, and how to tell its response is right. */
    private record Probe(String name, int protocolId, int messageId, int[] parameters, Check check) {
    }

    @FunctionalInterface
    private interface Check {
        void verify(byte[] command, byte[] response);
    }

    @InjectBundleContext
    BundleContext context;

    @InjectService(filter = "(scmi.protocol.id=16)", timeout = TIMEOUT_MS)
    ScmiProtocol base;

    @InjectService(timeout = TIMEOUT_MS)
    SensorDriver sensors;

    @InjectService(timeout = TIMEOUT_MS)
    ConfigurationAdmin configurations;

    @TempDir
    Path dir;

    @Test
    void sameCommandsThroughXenAndVhostUser() throws Exception {
        int roundTrips = roundTrips();
        List<Probe> probes = List.of(
                new Probe("Base PROTOCOL_VERSION", AgentWire.BASE, AgentWire.PROTOCOL_VERSION, new int[0],
                        (command, response) -> assertArrayEquals(
                                ScmiAgent.words(ScmiAgent.word(command, 0), 0, base.version()), response)),
                new Probe("Sensor READING_GET", AgentWire.SENSOR, AgentWire.SENSOR_READING_GET,
                        new int[] {fastScalarSensor(), AgentWire.SENSOR_READ_SYNC},
                        (command, response) -> {
                            assertEquals(ScmiAgent.word(command, 0), ScmiAgent.word(response, 0));
                            assertEquals(0, ScmiAgent.word(response, 1), "status");
                            assertEquals(8 + AgentWire.SENSOR_READING_BYTES, response.length);
                        }));

        Configuration vhostUser = configurations.createFactoryConfiguration(VHOST_USER_FACTORY_PID, "?");
        Path socket = dir.resolve("bench-vhost-user.sock");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("socketPath", socket.toString());
        properties.put("agentName", "bench-vhost-user");
        vhostUser.update(properties);
        try (SimulatedXenFixture xen = new SimulatedXenFixture(context, configurations, dir.resolve("xenstored.sock"),
                        false);
                SimulatedXenFixture xenWithEventfds = new SimulatedXenFixture(context, configurations,
                        dir.resolve("xenstored-eventfds.sock"), true);
                VhostUserFrontend qemu = connect(socket)) {
            SimulatedGuest grants = xen.bootGuest(GRANT_GUEST, true, BOOT_TIMEOUT_MS);
            SimulatedGuest foreign = xen.bootGuest(FOREIGN_GUEST, false, BOOT_TIMEOUT_MS);
            SimulatedGuest fast = xenWithEventfds.bootGuest(FAST_PATH_GUEST, true, BOOT_TIMEOUT_MS);
            Map<String, RoundTrip> paths = new LinkedHashMap<>();
            paths.put(VHOST_USER, command -> qemu.call(command, RESPONSE_CAPACITY));
            paths.put(XEN_GRANTS, command -> grants.exchange(command, RESPONSE_CAPACITY, REPLY_TIMEOUT_MS));
            paths.put(XEN_FOREIGN, command -> foreign.exchange(command, RESPONSE_CAPACITY,
                    REPLY_TIMEOUT_MS));
            paths.put(XEN_FAST, command -> fast.exchange(command, RESPONSE_CAPACITY, REPLY_TIMEOUT_MS));

            List<String> report = new ArrayList<>();
            report.add(String.format("SCMI command round trip, same virtio-scmi device, dispatcher, protocols and board; "
                    + "%s, %d CPUs, %s; %d round trips per path and command (after as many for warm-up)",
                    Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
                    cpuModel(), roundTrips));
            report.add(String.format("%-38s %-22s %9s %9s %9s", "path", "command", "p50 us", "p90 us", "p99 us"));
            for (Probe probe : probes) {
                Map<String, long[]> latencies = measure(paths, probe, roundTrips);
                for (Map.Entry<String, long[]> path : latencies.entrySet()) {
                    long[] nanos = path.getValue();
                    report.add(String.format("%-38s %-22s %9.1f %9.1f %9.1f", path.getKey(), probe.name(),
                            micros(nanos, 50), micros(nanos, 90), micros(nanos, 99)));
                }
                long[] reference = latencies.get(VHOST_USER);
                for (String xenPath : List.of(XEN_GRANTS, XEN_FOREIGN, XEN_FAST)) {
                    long[] nanos = latencies.get(xenPath);
                    report.add(String.format("%-38s %-22s %8.2fx %8.2fx %8.2fx", xenPath + " / " + VHOST_USER,
                            probe.name(), ratio(nanos, reference, 50), ratio(nanos, reference, 90),
                            ratio(nanos, reference, 99)));
                }
            }
            String text = String.join(System.lineSeparator(), report) + System.lineSeparator();
            System.out.print(text);
            Files.writeString(Path.of(REPORT_FILE), text);
        } finally {
            vhostUser.delete();
        }
    }

    private static int roundTrips() {
        String configured = System.getenv(ROUND_TRIPS_VARIABLE);
        if (configured == null || configured.isBlank()) {
            return DEFAULT_ROUND_TRIPS;
        }
        int count = Integer.parseInt(configured.trim());
        if (count < BLOCK) {
            throw new IllegalArgumentException(ROUND_TRIPS_VARIABLE + " = " + count + ": at least " + BLOCK);
        }
        return count;
    }

    /** Warms every path up, then measures them in turns of {@link #BLOCK} round trips; sorted nanoseconds per path. */
    private static Map<String, long[]> measure(Map<String, RoundTrip> paths, Probe probe, int roundTrips)
            throws Exception {
        Map<String, long[]> samples = new LinkedHashMap<>();
        paths.keySet().forEach(path -> samples.put(path, new long[roundTrips]));
        int[] token = {0};
        for (RoundTrip path : paths.values()) {
            for (int i = 0; i < roundTrips; i++) {
                exchangeChecked(path, probe, token[0]++);
            }
        }
        for (int done = 0; done < roundTrips; done += BLOCK) {
            int end = Math.min(roundTrips, done + BLOCK);
            for (Map.Entry<String, RoundTrip> path : paths.entrySet()) {
                long[] into = samples.get(path.getKey());
                for (int i = done; i < end; i++) {
                    into[i] = exchangeChecked(path.getValue(), probe, token[0]++);
                }
            }
        }
        samples.values().forEach(Arrays::sort);
        return samples;
    }

    /** One round trip; returns its nanoseconds after checking the response. */
    private static long exchangeChecked(RoundTrip path, Probe probe, int token) throws Exception {
        byte[] command = ScmiAgent.command(probe.protocolId(), probe.messageId(), token, probe.parameters());
        long start = System.nanoTime();
        byte[] response = path.exchange(command);
        long elapsed = System.nanoTime() - start;
        assertTrue(response != null, probe.name() + ": no response");
        probe.check().verify(command, response);
        return elapsed;
    }

    /** Connects like QEMU once the transport listens (its socket file appears a moment before it does). */
    private VhostUserFrontend connect(Path socket) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        VhostUserFrontend frontend = null;
        while (frontend == null) {
            try {
                frontend = VhostUserFrontend.connect(socket.toString(), VhostUserFrontend.Options.defaults());
            } catch (LinuxException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
        try {
            frontend.start();
            frontend.postEventBuffers(EVENT_BUFFERS);
            return frontend;
        } catch (Exception | AssertionError e) {
            frontend.close();
            throw e;
        }
    }

    /** The first single-axis sensor read without delay (so the figure is the transport's, not the sensor's). */
    private int fastScalarSensor() {
        List<SensorInfo> infos = sensors.sensors();
        for (int id = 0; id < infos.size(); id++) {
            if (infos.get(id).axes().isEmpty() && !infos.get(id).slowRead()) {
                return id;
            }
        }
        throw new AssertionError("the board has no scalar sensor read without delay");
    }

    private static double micros(long[] sorted, int percentile) {
        return percentile(sorted, percentile) / 1_000.0;
    }

    private static double ratio(long[] sorted, long[] reference, int percentile) {
        return (double) percentile(sorted, percentile) / percentile(reference, percentile);
    }

    /** Nearest-rank percentile of sorted samples. */
    private static long percentile(long[] sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 1)
                    .trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
