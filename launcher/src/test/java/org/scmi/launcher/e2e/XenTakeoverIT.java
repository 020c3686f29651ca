package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiHeader;
import org.scmi.transport.xen.abi.VirtioMmio;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.sim.SimDeviceServer;
import org.scmi.transport.xen.sim.SimGuestFault;
import org.scmi.transport.xen.sim.SimHypervisor;
import org.scmi.transport.xen.sim.guest.SimToolstack;
import org.scmi.transport.xen.sim.guest.SimulatedGuest;
import org.scmi.transport.xen.xenstore.XenStore;

/**
 * Xen guests survive their server: a simulated Xen with its guests runs in this JVM, the server
 * runs as its own process (the runnable JAR) attached to the simulation's devices as a real server
 * is to {@code /dev/xen}, and is killed with SIGKILL in the middle of the guests' command streams,
 * stopped with SIGTERM, and started again. Every command is answered exactly once, each guest's
 * device reads back as it was, the xenbus state never leaves Connected, and each guest keeps its
 * one IOREQ server. Removing the devices on request, or on stop when so configured, takes them
 * away for good.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class XenTakeoverIT {
    private static final int DRIVER_OK_STATUS = VirtioMmio.STATUS_ACKNOWLEDGE | VirtioMmio.STATUS_DRIVER
            | VirtioMmio.STATUS_FEATURES_OK | VirtioMmio.STATUS_DRIVER_OK;
    /** How long a command may wait: a server's restart under a loaded machine included. */
    private static final long REPLY_TIMEOUT_MS = 180_000;
    private static final long BOOT_TIMEOUT_MS = 120_000;
    /** Commands each guest has answered before the server is stopped, and again after it came back. */
    private static final int COMMANDS_PER_PHASE = 25;
    private static final String SERVING = "serving virtio-scmi to Xen guests found under";
    private static final int ANSWER_PREFIX = 8;

    @TempDir
    Path folder;

    private SimHypervisor hypervisor;
    private SimDeviceServer devices;
    private XenStore store;
    private SimToolstack toolstack;
    private final List<ServerProcess> servers = new ArrayList<>();

    @BeforeEach
    void startSimulatedXen() throws Exception {
        hypervisor = new SimHypervisor(folder.resolve("xenstored.sock"), 0);
        hypervisor.setVcpuPatience(Duration.ofMillis(REPLY_TIMEOUT_MS));
        devices = new SimDeviceServer(hypervisor, folder.resolve("xen-devices.sock"));
        store = hypervisor.openXenStore();
        toolstack = new SimToolstack(hypervisor, store);
    }

    @AfterEach
    void stopEverything() {
        servers.forEach(ServerProcess::close);
        store.close();
        devices.close();
        hypervisor.close();
    }

    private ServerProcess startServer(String... extraProperties) {
        List<String> properties = new ArrayList<>(List.of("-Dscmi.socket.paths=",
                "-Dscmi.install.bundles=" + ServerProcess.jar().resolveSibling("transport.xen.sim.jar"),
                "-Dscmi.xen.sim.attach=" + devices.socketPath(), "-Dscmi.admin.socket=" + adminSocket()));
        properties.addAll(List.of(extraProperties));
        ServerProcess server = ServerProcess.startJar(properties, SERVING);
        servers.add(server);
        return server;
    }

    private Path adminSocket() {
        return folder.resolve("admin.sock");
    }

    /** One guest sending commands one after the other, checking that each answer is its own. */
    private static final class CommandStream implements Runnable {
        private final SimulatedGuest guest;
        private final Thread thread;
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private volatile boolean stopping;
        private volatile int posted;
        private volatile int answered;

        CommandStream(SimulatedGuest guest) {
            this.guest = guest;
            this.thread = Thread.ofPlatform().name("commands-dom" + guest.domid()).start(this);
        }

        @Override
        public void run() {
            int sequence = 0;
            while (!stopping) {
                sequence++;
                boolean clock = sequence % 2 == 0;
                int header = ScmiHeader.command(clock ? CLOCK : BASE, clock ? PROTOCOL_ATTRIBUTES : PROTOCOL_VERSION,
                        sequence & ScmiHeader.TOKEN_MASK).encode();
                byte[] request = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(header).array();
                byte[] answer;
                posted = sequence;
                try {
                    answer = guest.exchange(request, SimulatedGuest.MESSAGE_BYTES, REPLY_TIMEOUT_MS);
                } catch (InterruptedException | RuntimeException e) {
                    failures.add("command " + sequence + ": " + e);
                    return;
                }
                if (answer == null) {
                    failures.add("command " + sequence + " was never answered");
                    return;
                }
                ByteBuffer words = ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN);
                if (answer.length < ANSWER_PREFIX || words.getInt(0) != header || words.getInt(4) != 0) {
                    failures.add("command " + sequence + " got " + Le.hex(answer) + ", not its own successful answer");
                    return;
                }
                answered = sequence;
            }
        }

        /** Waits until a command of the stream is posted and not answered (or the stream failed). */
        void awaitCommandInFlight() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPLY_TIMEOUT_MS);
            while (posted <= answered && failures.isEmpty() && thread.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(List.of(), failures, "guest " + guest.domid());
            assertTrue(posted > answered, "guest " + guest.domid() + " has a command in flight");
        }

        /** Waits until {@code count} more commands are answered (or the stream failed). */
        void awaitMore(int count) throws InterruptedException {
            int target = answered + count;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * REPLY_TIMEOUT_MS);
            while (answered < target && failures.isEmpty() && thread.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(), failures, "guest " + guest.domid());
            assertTrue(answered >= target, "guest " + guest.domid() + " answered " + answered + " of " + target);
        }

        void stop() throws InterruptedException {
            stopping = true;
            thread.join(2 * REPLY_TIMEOUT_MS);
            assertEquals(List.of(), failures, "guest " + guest.domid());
        }
    }

    /** The xenbus states a device goes through, as a watch sees them. */
    private List<Integer> watchStates(int domid, List<XenStore.Watch> watches) throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        String path = toolstack.backendPath(domid, 0) + "/state";
        watches.add(store.watch(path, changed -> {
            try {
                toolstack.backendState(domid).ifPresent(seen::add);
            } catch (Exception e) {
                seen.add(-1);
            }
        }));
        return seen;
    }

    @Test
    void guestsSurviveASigkillAndAPlannedRestartOfTheirServer() throws Exception {
        ServerProcess first = startServer();
        Map<Integer, Boolean> guests = new LinkedHashMap<>();
        guests.put(1, true);
        guests.put(2, false); // guest-physical addresses: foreign mapping
        guests.put(3, true);
        List<SimulatedGuest> booted = new ArrayList<>();
        Map<SimulatedGuest, SimulatedGuest.DeviceState> before = new LinkedHashMap<>();
        for (Map.Entry<Integer, Boolean> guest : guests.entrySet()) {
            SimulatedGuest simulated = SimulatedGuest.boot(toolstack, guest.getKey(), guest.getValue(), BOOT_TIMEOUT_MS);
            booted.add(simulated);
            assertTrue(toolstack.awaitBackendState(guest.getKey(), XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT_MS));
            SimulatedGuest.DeviceState state = simulated.readDeviceState();
            assertEquals(DRIVER_OK_STATUS, state.status());
            before.put(simulated, state);
        }
        List<XenStore.Watch> watches = new ArrayList<>();
        List<List<Integer>> states = new ArrayList<>();
        for (SimulatedGuest guest : booted) {
            states.add(watchStates(guest.domid(), watches));
        }
        List<CommandStream> streams = booted.stream().map(CommandStream::new).toList();
        for (CommandStream stream : streams) {
            stream.awaitMore(COMMANDS_PER_PHASE);
        }

        assertEquals(137, first.kill(), "SIGKILL");
        // No answer comes while no server runs: each guest's command stream stops in the middle, with
        // one command posted and unanswered (its QueueNotify waiting in the IOREQ server, or its answer
        // still owed).
        for (CommandStream stream : streams) {
            stream.awaitCommandInFlight();
        }
        // While no server runs, a second vCPU of guest 1 reads its device's status: the access waits
        // in the guest's IOREQ server, and its event reaches nobody.
        int secondVcpu = SimulatedGuest.DRIVER_VCPU + 1;
        CompletableFuture<Long> waiting = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("dom1-vcpu" + secondVcpu).start(() -> {
            try {
                waiting.complete(booted.getFirst().domain().mmioRead(secondVcpu,
                        SimToolstack.deviceBase(0) + VirtioMmio.STATUS, 4));
            } catch (RuntimeException e) {
                waiting.completeExceptionally(e);
            }
        });
        while (!booted.getFirst().domain().waitsForDeviceModel(secondVcpu)) {
            Thread.sleep(10);
        }
        ServerProcess second = startServer();
        assertEquals(DRIVER_OK_STATUS, waiting.get(REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS),
                "the access that waited through the restart");
        for (CommandStream stream : streams) {
            stream.awaitMore(COMMANDS_PER_PHASE);
        }
        assertTrue(second.awaitLine(line -> line.contains("guest dom1: vCPU 1 has been waiting for an access"),
                Duration.ofSeconds(1)), "the new server found the waiting vCPU by looking at every slot");
        for (SimulatedGuest guest : booted) {
            assertTrue(second.awaitLine(line -> line.contains("took over virtio device xen:" + guest.domid() + "/0"),
                    Duration.ofSeconds(1)), "dom" + guest.domid() + " taken over:\n" + String.join("\n",
                    second.output()));
        }
        String listed = AdminShell.command(adminSocket(), "xen:devices");
        assertTrue(listed.contains("xen:1/0") && listed.contains("yes"), listed);

        assertEquals(143, second.terminate(), "SIGTERM: a planned stop");
        assertTrue(second.output().stream().anyMatch(line -> line.contains("left for the next server process")),
                String.join("\n", second.output()));
        ServerProcess third = startServer();
        for (CommandStream stream : streams) {
            stream.awaitMore(COMMANDS_PER_PHASE);
        }
        for (CommandStream stream : streams) {
            stream.stop();
        }
        watches.forEach(XenStore.Watch::close);

        for (SimulatedGuest guest : booted) {
            assertNull(guest.awaitResponse(200), "dom" + guest.domid() + ": an answer beyond the commands sent");
            assertEquals(before.get(guest), guest.readDeviceState(), "dom" + guest.domid() + " device state");
            assertEquals(1, guest.domain().ioreqServerCount(), "dom" + guest.domid() + " IOREQ servers");
            assertEquals(XenAbi.XENBUS_STATE_CONNECTED, toolstack.backendState(guest.domid()).orElseThrow());
        }
        for (List<Integer> seen : states) {
            assertTrue(seen.stream().allMatch(state -> state == XenAbi.XENBUS_STATE_CONNECTED),
                    "xenbus states seen across the restarts: " + seen);
        }
        for (ServerProcess server : List.of(first, second, third)) {
            List<String> problems = server.output().stream()
                    .filter(line -> line.contains(" ERROR ") || line.contains("not ready")).toList();
            assertEquals(List.of(), problems, "server log");
        }
    }

    @Test
    void removingTheDevicesTakesThemAwayForGood() throws Exception {
        startServer();
        SimulatedGuest removed = SimulatedGuest.boot(toolstack, 5, true, BOOT_TIMEOUT_MS);
        assertTrue(toolstack.awaitBackendState(5, XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT_MS));

        String answer = AdminShell.command(adminSocket(), "xen:remove 5");
        assertTrue(answer.contains("removed 1 Xen guest device"), answer);
        assertEquals(XenAbi.XENBUS_STATE_CLOSED, toolstack.backendState(5).orElseThrow());
        assertEquals(0, removed.domain().ioreqServerCount(), "its IOREQ server destroyed");
        assertThrows(SimGuestFault.class, removed::readDeviceState, "the device is gone: the access faults");
        servers.getLast().terminate();

        ServerProcess removing = startServer("-Dscmi.xen.remove.on.stop=true");
        SimulatedGuest stopped = SimulatedGuest.boot(toolstack, 6, false, BOOT_TIMEOUT_MS);
        assertTrue(toolstack.awaitBackendState(6, XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT_MS));
        removing.terminate();
        assertEquals(XenAbi.XENBUS_STATE_CLOSED, toolstack.backendState(6).orElseThrow());
        assertEquals(0, stopped.domain().ioreqServerCount(), "its IOREQ server destroyed on stop");
        assertFalse(removing.output().stream().anyMatch(line -> line.contains(" ERROR ")),
                String.join("\n", removing.output()));
    }
}
