package org.scmi.transport.xen.sim.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.transport.xen.sim.guest.GuestExchanges.description;
import static org.scmi.transport.xen.sim.guest.GuestExchanges.request;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.testing.Eventually;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.sim.EchoDeviceBackend;
import org.scmi.transport.xen.sim.XenSimulation;
import org.scmi.transport.xen.xenstore.XenStoreException;

/**
 * A Xen guest destroyed while the device is still working on its command: the toolstack asks the
 * backend to close the device, does not wait for it (as {@code xl destroy} gives up on a backend
 * that does not answer), and destroys the domain, with its IOREQ server and event channels, while
 * the command is held in the device. The backend's mappings of the dead guest's pages stay valid
 * until it unmaps them, as Xen keeps a dying domain's pages for whoever still maps them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DestroyedMidCommandTest {
    private static final long BOOT_TIMEOUT = 10_000;
    private static final long REPLY_TIMEOUT = 10_000;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int DESTROYED = 21;
    private static final int OTHER = 22;

    @TempDir
    Path dir;
    private final AtomicBoolean holdNext = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private XenSimulation xen;

    @AfterEach
    void stop() {
        release.countDown();
        if (xen != null) {
            xen.close();
        }
    }

    /** Holds the first command answered after {@link #holdNext} is set, until the test releases it. */
    private void holdIfAsked() {
        if (holdNext.compareAndSet(true, false)) {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void theDeviceOfAGuestDestroyedMidCommandIsFreedAndTheGuestCreatedAgainIsServed() throws Exception {
        xen = new XenSimulation(dir.resolve("xenstored.sock"), new EchoDeviceBackend(this::holdIfAsked));
        SimulatedGuest other = xen.bootGuest(OTHER, true, BOOT_TIMEOUT);
        assertAnswered(other, 1);
        int backendPorts = xen.hypervisor().openPorts(XenSimulation.BACKEND_DOMID);
        SimulatedGuest doomed = xen.bootGuest(DESTROYED, true, BOOT_TIMEOUT);
        assertAnswered(doomed, 1);
        assertTrue(xen.hypervisor().openPorts(XenSimulation.BACKEND_DOMID) > backendPorts,
                "the backend bound event channels to the guest");

        holdNext.set(true);
        doomed.post(request(2), SimulatedGuest.MESSAGE_BYTES);
        assertTrue(held.await(REPLY_TIMEOUT, TimeUnit.MILLISECONDS), "the command never reached the device");
        assertFalse(xen.toolstack().destroy(DESTROYED, 0), "the backend closed a device whose command is held");
        assertTrue(xen.hypervisor().domain(DESTROYED).isEmpty(), "the domain is gone");
        try {
            for (int token = 2; token <= 20; token++) {
                assertAnswered(other, token);
            }
        } finally {
            release.countDown(); // the answer goes into the dead guest's pages, still mapped by the backend
        }

        assertTrue(Eventually.within(WAIT, () -> !xen.backend().isServed(description(DESTROYED, true))),
                "the destroyed guest's device is freed once its command returned");
        assertTrue(Eventually.within(WAIT, () -> xen.hypervisor().openPorts(XenSimulation.BACKEND_DOMID)
                == backendPorts), () -> "event channels to the destroyed guest left bound: "
                + xen.hypervisor().openPorts(XenSimulation.BACKEND_DOMID) + " ports, " + backendPorts + " before");
        assertEquals(1, xen.backend().devices().size(), "only the other guest's device is served");

        SimulatedGuest again = xen.bootGuest(DESTROYED, true, BOOT_TIMEOUT);
        assertEquals(1, again.domain().ioreqServerCount(), "the guest created again has one IOREQ server");
        assertAnswered(again, 1);
        assertAnswered(other, 21);
        assertTrue(xen.toolstack().awaitBackendState(DESTROYED, XenAbi.XENBUS_STATE_CONNECTED, BOOT_TIMEOUT));
    }

    @Test
    void aDomainCreatedAgainWhileTheOldDeviceIsStillTornDownIsServed() throws Exception {
        xen = new XenSimulation(dir.resolve("xenstored.sock"), new EchoDeviceBackend(this::holdIfAsked));
        SimulatedGuest doomed = xen.bootGuest(DESTROYED, true, BOOT_TIMEOUT);
        assertAnswered(doomed, 1);
        holdNext.set(true);
        doomed.post(request(2), SimulatedGuest.MESSAGE_BYTES);
        assertTrue(held.await(REPLY_TIMEOUT, TimeUnit.MILLISECONDS), "the command never reached the device");
        assertFalse(xen.toolstack().destroy(DESTROYED, 0), "the backend closed a device whose command is held");

        // The toolstack creates the domain again under the same domid while the old device's
        // teardown still waits for its command; the teardown ends after the new device is there.
        CompletableFuture<SimulatedGuest> again = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                again.complete(xen.bootGuest(DESTROYED, true, BOOT_TIMEOUT));
            } catch (Exception | AssertionError e) {
                again.completeExceptionally(e);
            }
        });
        assertTrue(Eventually.within(WAIT, () -> backendState(DESTROYED)
                .equals(Optional.of(XenAbi.XENBUS_STATE_INITIALISING))), "the new device was never written");
        release.countDown();

        SimulatedGuest guest = again.get(BOOT_TIMEOUT + REPLY_TIMEOUT, TimeUnit.MILLISECONDS);
        assertAnswered(guest, 1);
        assertEquals(1, guest.domain().ioreqServerCount(), "the guest created again has one IOREQ server");
    }

    private Optional<Integer> backendState(int domid) {
        try {
            return xen.toolstack().backendState(domid);
        } catch (XenStoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertAnswered(SimulatedGuest guest, int token) throws InterruptedException {
        GuestExchanges.assertAnswered(guest, token, REPLY_TIMEOUT);
    }
}
