package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live updates free what they replace: the server started by {@code ./scmi-server} (its serial
 * collector, which unloads classes only in a full collection) serves a guest while protocol
 * bundles are updated from the admin shell; soon after the last update the JVM holds no class
 * loader of a replaced revision any more (its own list of class loaders, read with {@code jcmd
 * VM.classloader_stats}, which does not collect), because the server collected once the updates
 * were over. Without that, each replaced revision's classes and compiled code stay until the JVM
 * happens to collect in full.
 */
class ReplacedRevisionsIT {
    private static final int BASE_VERSION = 0x2_0001;
    private static final List<String> UPDATED = List.of("scmi.sensor", "scmi.clock", "scmi.sensor");
    /** Felix's class loader of one bundle revision, as {@code VM.classloader_stats} names it. */
    private static final String BUNDLE_CLASS_LOADER = "BundleWiringImpl$BundleClassLoader";
    /**
     * Longest wait for the replaced revisions to go: the server collects 5 s after the last update;
     * the rest is for a machine loaded by other work.
     */
    private static final Duration FREED_WITHIN = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(500);

    @TempDir
    Path folder;

    @Test
    void theReplacedRevisionsClassLoadersAreUnloadedSoonAfterTheUpdates() throws Exception {
        Path script = ServerProcess.scriptHome(folder).resolve("scmi-server");
        Path socket = folder.resolve("vm0.sock");
        Path admin = folder.resolve("admin.sock");
        try (ServerProcess server = ServerProcess.start("scmi-server", List.of("bash", script.toString(),
                "--socket-path", socket.toString(), "--admin-socket", admin.toString()),
                Map.of("JAVA_HOME", System.getProperty("java.home")))) {
            server.awaitListening(socket);
            assertTrue(server.awaitLine(line -> line.contains(ServerProcess.ADMIN_LISTENING + admin),
                    ServerProcess.START_TIMEOUT), String.join("\n", server.output()));
            long jvm = server.handle().children().filter(child -> child.info().command().orElse("").endsWith("/java"))
                    .findFirst().orElseThrow().pid();
            try (ScmiGuest guest = ScmiGuest.connect(socket)) {
                guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertValues(Le.words(BASE_VERSION));
                long before = bundleClassLoaders(jvm);
                Map<String, String> updates = AdminShell.updateCommands(admin, ServerProcess.jar(), UPDATED);
                for (String bundle : UPDATED) {
                    assertEquals("", AdminShell.command(admin, updates.get(bundle)).trim(), "update " + bundle);
                    guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertValues(Le.words(BASE_VERSION));
                }

                long deadline = System.nanoTime() + FREED_WITHIN.toNanos();
                long loaders = bundleClassLoaders(jvm);
                while (loaders > before && System.nanoTime() < deadline) {
                    Thread.sleep(POLL.toMillis());
                    loaders = bundleClassLoaders(jvm);
                }
                assertTrue(loaders <= before, "bundle class loaders: " + before + " before the " + UPDATED.size()
                        + " updates, " + loaders + " " + FREED_WITHIN + " after them");
                assertTrue(server.output().stream().anyMatch(line -> line.contains("replaced bundle revisions freed")),
                        String.join("\n", server.output()));
                guest.call(BASE, PROTOCOL_VERSION, RESPONSE_PREFIX + 4).assertValues(Le.words(BASE_VERSION));
            }
            assertEquals(0, server.terminate(), "exit status after SIGTERM");
        }
    }

    /** Bundle class loaders the JVM has not unloaded (live or not yet collected). */
    private static long bundleClassLoaders(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "VM.classloader_stats").redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, jcmd.waitFor(), output);
        return output.lines().filter(line -> line.endsWith(BUNDLE_CLASS_LOADER)).count();
    }
}
