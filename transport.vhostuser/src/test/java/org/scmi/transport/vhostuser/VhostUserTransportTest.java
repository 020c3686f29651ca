package org.scmi.transport.vhostuser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.transport.vhostuser.TestGuests.eventually;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.linux.Linux;
import org.scmi.transport.vhostuser.VhostUserCodec.VringState;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.Options;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.WaitMode;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.device.FixedReplySession;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

/** The back-end against the test front-end (QEMU's requests, real rings in a shared memfd). */
class VhostUserTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path directory;
    private Path socket;
    private EchoDevice device;
    private Poller poller;
    private VhostUserGuestComponent component;

    @BeforeEach
    void listen() throws Exception {
        poller = new Poller();
        socket = directory.resolve("guest0.sock");
        device = new EchoDevice();
        component = new VhostUserGuestComponent(TestGuests.config(socket, ""), device, poller);
    }

    @AfterEach
    void stop() {
        component.deactivate();
        poller.close();
    }

    private VhostUserFrontend connect() throws Exception {
        return VhostUserFrontend.connect(socket.toString(), Options.defaults());
    }

    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void negotiatesLikeQemu() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            assertEquals(EchoDevice.FEATURES | 1L << ProtocolFeatures.F_PROTOCOL_FEATURES, guest.backendFeatures());
            assertEquals(VirtioFeatures.bit(ProtocolFeatures.MQ) | VirtioFeatures.bit(ProtocolFeatures.REPLY_ACK)
                    | VirtioFeatures.bit(ProtocolFeatures.INFLIGHT_SHMFD) | VirtioFeatures.bit(ProtocolFeatures.RESET_DEVICE),
                    guest.protocolFeatures());
            assertEquals(2, guest.queueNum());
            guest.start();
            FixedReplySession session = device.lastSession();
            assertEquals("vhost-user:" + socket, session.guest().key());
            assertEquals("guest0", session.guest().name());
            // The device never sees the vhost-user bit.
            assertEquals(EchoDevice.FEATURES, session.features());
            assertEquals(List.of(String.format("features 0x%x", EchoDevice.FEATURES), "start 0 at 0", "start 1 at 0"),
                    session.calls());
        }
    }

    /**
     * A front-end with inflight tracking gets a region at its first start, keeps it across a
     * back-end restart (the component deactivated and activated again on the same socket), and
     * goes on with the same rings; every mapping of the region is released when the guest leaves.
     */
    @Test
    void aFrontEndWithInflightTrackingReconnectsToARestartedBackEndWithItsRings() throws Exception {
        try (VhostUserFrontend guest = VhostUserFrontend.connect(socket.toString(),
                Options.defaults().withInflightTracking())) {
            guest.start();
            assertEquals(2, guest.inflightRegion().queueCount());
            assertEquals(InflightRegion.size(2, 256), guest.inflightRegion().mmapSize());
            for (int i = 0; i < 100; i++) {
                byte[] request = bytes(8, i);
                assertArrayEquals(request, guest.call(request, 16), "command " + i);
            }
            assertEquals(List.of(), guest.inflightHeads(VhostUserFrontend.COMMAND_QUEUE));

            component.deactivate();
            component = new VhostUserGuestComponent(TestGuests.config(socket, ""), device, poller);
            guest.reconnect();
            assertEquals(2, device.sessions().size());
            assertEquals("start 0 at 100", device.lastSession().calls().get(1));
            // Past the ring's size: the new back-end continues the same indices.
            for (int i = 100; i < 400; i++) {
                byte[] request = bytes(8, i);
                assertArrayEquals(request, guest.call(request, 16), "command " + i);
            }
            assertEquals(List.of(), guest.inflightHeads(VhostUserFrontend.COMMAND_QUEUE));
        }
        assertTrue(eventually(() -> TestGuests.mappingsOf("vhost-user-inflight") == 0), "region unmapped");
    }

    @Test
    void ringAddressesReachTheDeviceAsGuestPhysicalAddressesOverTheSharedMemory() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            for (int q = 0; q < 2; q++) {
                DriverSplitQueue ring = guest.queue(q);
                QueueSetup setup = device.lastSession().setup(q);
                assertEquals(256, setup.size());
                assertEquals(ring.descriptorTableAddress(), setup.descriptorTable());
                assertEquals(ring.availRingAddress(), setup.driverArea());
                assertEquals(ring.usedRingAddress(), setup.deviceArea());
                assertNotEquals(guest.userAddress(ring.descriptorTableAddress()), setup.descriptorTable());
            }
            // The device's view is the same memory as the guest's: a write on one side shows on the other.
            long address = VhostUserFrontend.GUEST_RAM_BASE + (8L << 20);
            MemorySegment deviceView = device.lastSession().setup(0).memory().segment(address, 8, true);
            deviceView.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0x1122334455667788L);
            assertArrayEquals(new byte[] {(byte) 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11},
                    guest.memory().read(address, 8));
        }
    }

    @Test
    void commandsAreAnsweredThroughTheRingsWithInterrupts() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            // More commands than the ring has entries: indices wrap, descriptors are reused.
            for (int i = 0; i < 600; i++) {
                byte[] request = bytes(4 + i % 60, i);
                assertArrayEquals(request, guest.call(request, 128), "command " + i);
            }
            assertTrue(guest.interrupts(0) > 0);
        }
    }

    @Test
    void commandsAreAnsweredToABusyPollingDriverWithoutInterrupts() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            guest.setWaitMode(WaitMode.BUSY_POLL);
            for (int i = 0; i < 300; i++) {
                byte[] request = bytes(12, i);
                assertArrayEquals(request, guest.call(request, 128));
            }
            assertEquals(0, guest.interrupts(0));
        }
    }

    @Test
    void eightCommandsInFlightCompleteWithFewerInterruptsWhenTheDriverAsksForOneAtTheEnd() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            DriverSplitQueue ring = guest.queue(0);
            for (int round = 0; round < 20; round++) {
                List<byte[]> sent = new ArrayList<>();
                ring.interruptAfter((ring.lastUsedIndex() + 7) & 0xFFFF);
                for (int i = 0; i < 8; i++) {
                    byte[] request = bytes(16, round * 8 + i);
                    sent.add(request);
                    ring.addIndirect(List.of(request), 64);
                }
                guest.publish(0);
                List<byte[]> answered = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answered.add(guest.awaitCompletion().written());
                }
                for (int i = 0; i < 8; i++) {
                    assertArrayEquals(sent.get(i), answered.get(i));
                }
            }
            assertTrue(guest.interrupts(0) <= 20, guest.interrupts(0) + " interrupts for 20 batches of 8");
        }
    }

    @Test
    void eventsAreDeliveredIntoPostedEventBuffers() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            guest.postEventBuffers(4);
            FixedReplySession session = device.lastSession();
            assertTrue(eventually(() -> {
                try {
                    return session.sendEvent(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, guest.awaitEvent());
        }
    }

    @Test
    void getVringBaseStopsRingsAtTheirNextAvailIndexAndRingsResumeThere() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            for (int i = 0; i < 5; i++) {
                guest.call(bytes(8, i), 64);
            }
            guest.postEventBuffers(3);
            FixedReplySession session = device.lastSession();
            assertTrue(eventually(() -> {
                try {
                    return session.sendEvent(new byte[] {9});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            guest.awaitEvent();
            assertArrayEquals(new int[] {5, 1}, guest.stop());
            assertTrue(session.calls().containsAll(List.of("stop 0 at 5", "stop 1 at 1")), session.calls().toString());

            guest.start();
            assertTrue(session.calls().containsAll(List.of("start 0 at 5", "start 1 at 1")), session.calls().toString());
            for (int i = 0; i < 3; i++) {
                byte[] request = bytes(8, 100 + i);
                assertArrayEquals(request, guest.call(request, 64));
            }
            assertArrayEquals(new int[] {8, 1}, guest.stop());
        }
    }

    @Test
    void getVringBaseOfARingThatNeverRanAnswersItsBase() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.send(FrontendRequest.SET_VRING_BASE, new VringState(1, 77).encode());
            assertEquals(77, guest.getVringBase(1));
            assertEquals(0, guest.getVringBase(0));
        }
    }

    @Test
    void aNewMemoryTableRestartsRunningRingsAndUnmapsTheOldOne() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            guest.call(bytes(8, 1), 64);
            assertEquals(2, TestGuests.mappingsOf("vhost-user-frontend"), "the guest's and the device's mapping");
            guest.sendMemoryTable();
            assertTrue(eventually(() -> TestGuests.mappingsOf("vhost-user-frontend") == 2));
            List<String> calls = device.lastSession().calls();
            assertEquals(List.of("stop 0 at 1", "stop 1 at 0", "start 0 at 1", "start 1 at 0"),
                    calls.subList(calls.size() - 4, calls.size()));
            byte[] request = bytes(8, 2);
            assertArrayEquals(request, guest.call(request, 64));
        }
    }

    @Test
    void aBrokenRingPutsTheDeviceInNeedsResetAndSignalsTheErrFd() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            DriverSplitQueue ring = guest.queue(0);
            int head = 0;
            // A buffer below guest RAM.
            ring.writeDescriptor(ring.descriptorTableAddress(), head, 0x1000, 16, 0, 0);
            ring.offer(head);
            guest.publish(0);
            guest.kick(0);
            assertTrue(guest.errorSignalled(0, TIMEOUT));
        }
    }

    @Test
    void theGuestCanReconnectOnTheSameSocketAndEverythingOfTheOldConnectionIsFreed() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            guest.call(bytes(8, 1), 64);
        }
        assertTrue(device.lastSession().awaitClosed());
        assertTrue(eventually(() -> TestGuests.mappingsOf("vhost-user-frontend") == 0));
        long fds = TestGuests.openFds();
        for (int round = 0; round < 3; round++) {
            try (VhostUserFrontend guest = connect()) {
                guest.start();
                byte[] request = bytes(8, round);
                assertArrayEquals(request, guest.call(request, 64));
                assertEquals(2, TestGuests.mappingsOf("vhost-user-frontend"));
            }
            assertTrue(device.lastSession().awaitClosed());
            assertTrue(eventually(() -> TestGuests.mappingsOf("vhost-user-frontend") == 0), "memory unmapped");
            assertTrue(eventually(() -> TestGuests.openFds() == fds), "fds closed: " + TestGuests.openFds()
                    + " open, " + fds + " before");
        }
        assertEquals(4, device.sessions().size());
        assertEquals("close", device.sessions().getFirst().calls().getLast());
    }

    @Test
    void deactivationClosesTheGuestAndRemovesTheSocket() throws Exception {
        VhostUserFrontend guest = connect();
        try {
            guest.start();
            component.deactivate();
            assertTrue(guest.awaitDisconnect(TIMEOUT));
            assertTrue(device.lastSession().awaitClosed());
            assertFalse(Files.exists(socket));
        } finally {
            guest.close();
        }
        // Back for the other tests' tear-down.
        component = new VhostUserGuestComponent(TestGuests.config(socket, "second"), device, poller);
        try (VhostUserFrontend again = connect()) {
            again.start();
            assertEquals("second", device.lastSession().guest().name());
        }
    }

    @Test
    void theSocketIsPrivateToItsOwner() throws Exception {
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(socket));
    }

    @Test
    void aPathHoldingSomethingElseThanASocketIsNotReplaced() throws Exception {
        Path file = directory.resolve("not-a-socket");
        Files.writeString(file, "data");
        assertThrows(IOException.class,
                () -> new VhostUserGuestComponent(TestGuests.config(file, ""), device, poller));
        assertEquals("data", Files.readString(file));
    }

    @Test
    void ringsWithoutProtocolFeaturesStartEnabled() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.send(FrontendRequest.SET_FEATURES, VhostUserCodec.encodeU64(EchoDevice.FEATURES));
            guest.sendMemoryTable();
            DriverSplitQueue ring = new DriverSplitQueue(guest.memory(), 64, true, 256);
            guest.send(FrontendRequest.SET_VRING_NUM, new VringState(0, 64).encode());
            guest.send(FrontendRequest.SET_VRING_ADDR, new VhostUserCodec.VringAddress(0, 0,
                    guest.userAddress(ring.descriptorTableAddress()), guest.userAddress(ring.usedRingAddress()),
                    guest.userAddress(ring.availRingAddress()), 0).encode());
            int kick = Linux.eventfd(Linux.EFD_NONBLOCK);
            try {
                guest.sendRaw(VhostUserCodec.message(FrontendRequest.SET_VRING_KICK.id(), VhostUserCodec.VERSION,
                        VhostUserCodec.encodeU64(0)), kick);
                // GET_VRING_BASE answers after everything before it was handled.
                guest.getVringBase(1);
                assertTrue(device.lastSession().calls().contains("start 0 at 0"), device.lastSession().calls()
                        .toString());
            } finally {
                Linux.close(kick);
            }
        }
    }

    @Test
    void resetDeviceStopsRingsAndResetsTheSession() throws Exception {
        try (VhostUserFrontend guest = connect()) {
            guest.start();
            guest.sendAcked(FrontendRequest.RESET_DEVICE, new byte[0]);
            List<String> calls = device.lastSession().calls();
            assertEquals(List.of("stop 0 at 0", "stop 1 at 0", "reset"), calls.subList(calls.size() - 3, calls.size()));
            assertEquals(0, guest.getVringBase(0));
            UsedBuffer none = guest.queue(0).poll();
            assertNull(none);
        }
    }
}
