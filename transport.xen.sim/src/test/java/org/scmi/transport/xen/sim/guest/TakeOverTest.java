package org.scmi.transport.xen.sim.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.transport.xen.sim.guest.GuestExchanges.description;
import static org.scmi.transport.xen.sim.guest.GuestExchanges.request;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.xen.abi.IoreqSlot;
import org.scmi.transport.xen.abi.VirtioMmio;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.backend.StateRecords;
import org.scmi.transport.xen.backend.XenBackend;
import org.scmi.transport.xen.backend.XenStoreDevices;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.sim.EchoDeviceBackend;
import org.scmi.transport.xen.sim.RemoteSimHypervisor;
import org.scmi.transport.xen.sim.SimDeviceServer;
import org.scmi.transport.xen.sim.SimHypervisor;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.virtio.ring.driver.DmaMapping;
import org.scmi.virtio.ring.driver.DriverMemory;

/**
 * A server process taking over the guests of one that stopped or died, with the backend in this
 * JVM reaching the simulated Xen through its devices socket, as a server process would. A "crash"
 * cuts the backend's connections from the simulation's side (what the kernel does when the process
 * dies) while the backend is idle: a crash in the middle of a command needs the process really
 * killed, which {@code XenTakeoverIT} does to the runnable JAR.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TakeOverTest {
    private static final long BOOT_TIMEOUT = 20_000;
    private static final long REPLY_TIMEOUT = 20_000;
    private static final int DRIVER_OK_STATUS = VirtioMmio.STATUS_ACKNOWLEDGE | VirtioMmio.STATUS_DRIVER
            | VirtioMmio.STATUS_FEATURES_OK | VirtioMmio.STATUS_DRIVER_OK;

    @TempDir
    Path dir;
    private SimHypervisor hypervisor;
    private SimDeviceServer devices;
    private XenStore toolstackStore;
    private SimToolstack toolstack;
    private final EchoDeviceBackend device = new EchoDeviceBackend();
    private final List<Server> servers = new ArrayList<>();

    private void startXen(boolean kernelFastPaths) throws Exception {
        hypervisor = new SimHypervisor(dir.resolve("xenstored.sock"), 0, kernelFastPaths);
        hypervisor.setVcpuPatience(Duration.ofMillis(REPLY_TIMEOUT));
        devices = new SimDeviceServer(hypervisor, dir.resolve("xen-devices.sock"));
        toolstackStore = hypervisor.openXenStore();
        toolstack = new SimToolstack(hypervisor, toolstackStore);
    }

    @AfterEach
    void stop() {
        servers.forEach(Server::reclaim);
        toolstackStore.close();
        devices.close();
        hypervisor.close();
    }

    /** One server process: its own connections to the simulated Xen, its records, its backend. */
    private final class Server {
        private final RemoteSimHypervisor xen;
        private final StateRecords records;
        private final XenBackend backend;
        private final XenStore store;
        private final XenStoreDevices discovery;
        private boolean gone;

        Server(boolean kernelQueueNotify) throws Exception {
            xen = new RemoteSimHypervisor(devices.socketPath());
            records = StateRecords.open(xen.stateDirectory());
            assertTrue(records.tryLock(), "no other server holds the records");
            backend = new XenBackend(xen, device, records, kernelQueueNotify);
            store = xen.openXenStore();
            discovery = new XenStoreDevices(store, backend, 0);
            discovery.start();
            servers.add(this);
        }

        /** What SIGKILL does: the kernel closes its devices, xenstored its connection, flock its lock. */
        void crash() {
            devices.killClients();
            store.close();
            records.close();
            gone = true;
        }

        /** A planned stop: the guests are left to the next server. */
        void handOver() {
            discovery.handOver();
            backend.handOver();
            store.close();
            records.close();
            xen.close();
            gone = true;
        }

        /** Stops what a crash left running in this JVM (a dead process's memory, reclaimed). */
        void reclaim() {
            if (!gone) {
                discovery.close();
                backend.close();
                store.close();
                records.close();
            } else {
                backend.handOver();
            }
            xen.close();
        }
    }

    /**
     * Runs a blocking guest access on a thread of its own: the common pool may have a single
     * thread on a small machine, where a second access would wait for the first to be answered.
     */
    private static <T> CompletableFuture<T> onOwnThread(Supplier<T> access) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("guest-access").start(() -> {
            try {
                result.complete(access.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Waits for a server's discovery (on its watch thread) to reach what {@code done} checks. */
    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOOT_TIMEOUT);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never " + what);
            }
            Thread.sleep(5);
        }
    }

    private static void assertAnswered(SimulatedGuest guest, int token) throws InterruptedException {
        GuestExchanges.assertAnswered(guest, token, REPLY_TIMEOUT);
    }

    @Test
    void commandsPostedWhileNoServerRunsAreAnsweredOnceByTheNext() throws Exception {
        startXen(false);
        Server first = new Server(false);
        List<SimulatedGuest> guests = List.of(SimulatedGuest.boot(toolstack, 1, true, BOOT_TIMEOUT),
                SimulatedGuest.boot(toolstack, 2, false, BOOT_TIMEOUT));
        List<SimulatedGuest.DeviceState> states = new ArrayList<>();
        for (SimulatedGuest guest : guests) {
            assertTrue(toolstack.awaitBackendState(guest.domid(), XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT));
            for (int token = 1; token <= 5; token++) {
                assertAnswered(guest, token);
            }
            states.add(guest.readDeviceState());
        }
        first.crash();

        // Each guest kicks its queue while nobody serves it: the kick waits in the IOREQ server.
        List<CompletableFuture<byte[]>> pending = new ArrayList<>();
        for (SimulatedGuest guest : guests) {
            pending.add(onOwnThread(() -> {
                try {
                    return guest.exchange(request(6), SimulatedGuest.MESSAGE_BYTES, REPLY_TIMEOUT);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (SimulatedGuest guest : guests) {
            while (!guest.domain().waitsForDeviceModel(SimulatedGuest.DRIVER_VCPU)) {
                Thread.sleep(5);
            }
        }
        Server second = new Server(false);
        for (int i = 0; i < guests.size(); i++) {
            SimulatedGuest guest = guests.get(i);
            assertArrayEquals(EchoDeviceBackend.answer(request(6)), pending.get(i).get(REPLY_TIMEOUT,
                    TimeUnit.MILLISECONDS), "guest " + guest.domid());
            for (int token = 7; token <= 10; token++) {
                assertAnswered(guest, token);
            }
            assertNull(guest.awaitResponse(100), "an answer beyond the commands sent");
            assertEquals(states.get(i), guest.readDeviceState(), "device state of guest " + guest.domid());
            assertEquals(1, guest.domain().ioreqServerCount());
            assertEquals(XenAbi.XENBUS_STATE_CONNECTED, toolstack.backendState(guest.domid()).orElseThrow());
            assertTrue(second.backend.isServed(description(guest.domid(), guest.domid() == 1)));
        }
        assertTrue(second.backend.devices().stream().allMatch(XenBackend.DeviceView::takenOver));
    }

    @Test
    void anAccessThePreviousServerDiedAnsweringIsAnsweredAgain() throws Exception {
        startXen(false);
        Server first = new Server(false);
        SimulatedGuest guest = SimulatedGuest.boot(toolstack, 3, true, BOOT_TIMEOUT);
        assertAnswered(guest, 1);
        first.crash();

        int vcpu = SimulatedGuest.DRIVER_VCPU + 1;
        long status = SimToolstack.deviceBase(0) + VirtioMmio.STATUS;
        CompletableFuture<Long> access = onOwnThread(() -> guest.domain().mmioRead(vcpu, status, 4));
        while (!guest.domain().waitsForDeviceModel(vcpu)) {
            Thread.sleep(5);
        }
        // A device model takes the request (READY -> INPROCESS) and dies before answering it.
        try (RemoteSimHypervisor dying = new RemoteSimHypervisor(devices.socketPath())) {
            IoreqServer server = dying.openIoreqServer(3, 0);
            IoreqSlot slot = server.slot(vcpu);
            while (!slot.claim()) {
                Thread.sleep(5); // the INVALIDATE Xen sends first, then the read: whichever is there
            }
            server.release();
        }
        new Server(false);
        assertEquals(DRIVER_OK_STATUS, access.get(REPLY_TIMEOUT, TimeUnit.MILLISECONDS));
        assertAnswered(guest, 2);
        assertEquals(1, guest.domain().ioreqServerCount());
    }

    @Test
    void restartsNeverLeakAnIoreqServer() throws Exception {
        startXen(false);
        Server server = new Server(false);
        SimulatedGuest guest = SimulatedGuest.boot(toolstack, 4, false, BOOT_TIMEOUT);
        for (int restart = 1; restart <= 2 * XenAbi.MAX_NR_IOREQ_SERVERS; restart++) {
            assertAnswered(guest, restart);
            if (restart % 2 == 0) {
                server.crash();
            } else {
                server.handOver();
            }
            Server next = new Server(false);
            await(() -> next.backend.isServed(description(4, false)), "taken over after restart " + restart);
            assertEquals(1, guest.domain().ioreqServerCount(), "after restart " + restart);
            server = next;
        }
        assertAnswered(guest, 1);
    }

    @Test
    void theKernelIoeventfdKeepsACrashedServersGuestFromBeingTakenOver() throws Exception {
        startXen(true);
        Server first = new Server(true);
        SimulatedGuest guest = SimulatedGuest.boot(toolstack, 5, true, BOOT_TIMEOUT);
        assertAnswered(guest, 1);
        // The backend writes Connected on a thread of its own; the device must be Connected before it dies.
        assertTrue(toolstack.awaitBackendState(5, XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT));
        assertEquals(2, devices.ioeventfdCount(), "one per queue");
        first.crash();
        assertEquals(2, devices.ioeventfdCount(), "privcmd keeps them after the process died");

        Server second = new Server(true);
        await(() -> second.discovery.refused().contains(toolstack.backendPath(5, 0)), "refused");
        assertFalse(second.backend.isServed(description(5, true)), "its event channels are still bound");
        assertEquals(1, guest.domain().ioreqServerCount(), "and no second server was created");
        assertEquals(XenAbi.XENBUS_STATE_CONNECTED, toolstack.backendState(5).orElseThrow(), "nothing written");
    }

    @Test
    void aPlannedStopDeassignsTheKernelIoeventfdSoThatTheGuestIsTakenOver() throws Exception {
        startXen(true);
        Server first = new Server(true);
        SimulatedGuest guest = SimulatedGuest.boot(toolstack, 6, true, BOOT_TIMEOUT);
        assertAnswered(guest, 1);
        first.handOver();
        assertEquals(0, devices.ioeventfdCount());
        Server second = new Server(true);
        await(() -> second.backend.isServed(description(6, true)), "taken over");
        assertAnswered(guest, 2);
        assertEquals(2, devices.ioeventfdCount());
        assertTrue(hypervisor.notificationsCompletedByIoeventfd() > 0, "the new server uses it again");
    }

    @Test
    void aDeviceSetUpByABackendThatKeptNoRecordIsLeftAlone() throws Exception {
        startXen(false);
        Server first = new Server(false);
        SimulatedGuest guest = SimulatedGuest.boot(toolstack, 7, true, BOOT_TIMEOUT);
        assertAnswered(guest, 1);
        // The backend writes Connected on a thread of its own; the device must be Connected before it dies.
        assertTrue(toolstack.awaitBackendState(7, XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT));
        first.crash();
        try (var files = java.nio.file.Files.list(hypervisor.stateDirectory())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("dom7")).toList()) {
                java.nio.file.Files.delete(file);
            }
        }
        Server second = new Server(false);
        await(() -> second.discovery.refused().contains(toolstack.backendPath(7, 0)), "refused");
        assertFalse(second.backend.isServed(description(7, true)));
        assertEquals(1, guest.domain().ioreqServerCount(), "no second server competes for the guest's vCPUs");
        assertEquals(XenAbi.XENBUS_STATE_CONNECTED, toolstack.backendState(7).orElseThrow(), "nothing written");
    }

    @Test
    void aGuestCreatedAgainWithTheSameDomidIsServedAnew() throws Exception {
        startXen(false);
        Server first = new Server(false);
        SimulatedGuest old = SimulatedGuest.boot(toolstack, 8, true, BOOT_TIMEOUT);
        assertAnswered(old, 1);
        first.crash();
        assertFalse(toolstack.destroy(8, 0), "nobody closes the device: libxl removes it anyway");

        Server second = new Server(false);
        SimulatedGuest fresh = SimulatedGuest.boot(toolstack, 8, false, BOOT_TIMEOUT);
        assertAnswered(fresh, 1);
        assertEquals(1, fresh.domain().ioreqServerCount());
        assertFalse(second.backend.devices().getFirst().takenOver(), "a new device, not the old one's record");
    }

    @Test
    void anAccessToASecondDeviceWaitsUntilThatDeviceIsTakenOverToo() throws Exception {
        startXen(false);
        Server first = new Server(false);
        SimulatedGuest guest = SimulatedGuest.boot(toolstack, 9, true, BOOT_TIMEOUT);
        String second = toolstack.backendPath(9, 1);
        toolstackStore.transaction(ops -> {
            for (String key : List.of("frontend-id=9", "online=1", "state=1", "irq=" + SimToolstack.deviceIrq(1),
                    "base=0x" + Long.toHexString(SimToolstack.deviceBase(1)), "type=virtio,device20",
                    "transport=mmio", "grant_usage=1")) {
                ops.write(second + "/" + key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            }
            return null;
        });
        assertTrue(awaitState(second, XenAbi.XENBUS_STATE_INIT_WAIT));
        int vcpu = SimulatedGuest.DRIVER_VCPU + 1;
        VirtioMmioDriver secondDriver = new VirtioMmioDriver(guest.domain(), vcpu, SimToolstack.deviceBase(1),
                SimToolstack.deviceIrq(1), new DriverMemory(guest.domain().ram(), guest.domain().ramBase()),
                DmaMapping.PHYSICAL);
        secondDriver.write(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE);
        first.crash();

        CompletableFuture<Integer> access = onOwnThread(() -> secondDriver.read(VirtioMmio.STATUS));
        while (!guest.domain().waitsForDeviceModel(vcpu)) {
            Thread.sleep(5);
        }
        new Server(false);
        assertEquals(VirtioMmio.STATUS_ACKNOWLEDGE, access.get(REPLY_TIMEOUT, TimeUnit.MILLISECONDS),
                "the second device's own status, not all ones");
        assertAnswered(guest, 1);
        assertNotEquals(0, guest.readDeviceState().status());
        assertEquals(1, guest.domain().ioreqServerCount());
    }

    private boolean awaitState(String device, int state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOOT_TIMEOUT);
        while (System.nanoTime() < deadline) {
            if (toolstackStore.read(device + "/state").map(s -> Integer.parseInt(s) == state).orElse(false)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
