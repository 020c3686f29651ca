package org.scmi.transport.vhostuser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.transport.vhostuser.TestGuests.eventually;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.Options;
import org.scmi.virtio.ring.device.FixedReplyDevice;
import org.scmi.virtio.ring.device.Responder;
import org.scmi.virtio.ring.driver.UsedBuffer;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/**
 * Many guests on the transport's shared threads, through real sockets, memfd RAM, rings and
 * eventfds: 64 guests connecting at once and served by the pool's core threads, a guest whose
 * command blocks while the others go on, guests coming and going while others send.
 */
class SharedThreadsTest {
    private static final int GUESTS = 64;
    /** A request starting with this byte is answered only once the test releases it. */
    private static final byte BLOCKING = 0x7F;
    private static final int SHRINK_AFTER_MILLIS = 300;
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path directory;
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(1);
    private Poller poller;
    private FixedReplyDevice device;
    private final List<VhostUserGuestComponent> components = new ArrayList<>();
    private final List<Path> sockets = new ArrayList<>();

    @BeforeEach
    void listen() throws Exception {
        poller = new Poller(SHRINK_AFTER_MILLIS);
        device = new FixedReplyDevice(EchoDevice.FEATURES, EchoDevice.MAX_QUEUE_SIZE,
                () -> Responder.answering(this::echoUnlessBlocking), new SplitQueueFactory());
        for (int i = 0; i < GUESTS; i++) {
            Path socket = directory.resolve("guest" + i + ".sock");
            sockets.add(socket);
            components.add(new VhostUserGuestComponent(TestGuests.config(socket, ""), device, poller));
        }
    }

    /** Echoes the request, as a slow driver would after a while when the request asks for it. */
    private byte[] echoUnlessBlocking(byte[] request) {
        if (request.length > 0 && request[0] == BLOCKING) {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return request;
    }

    @AfterEach
    void stop() {
        release.countDown();
        components.forEach(VhostUserGuestComponent::deactivate);
        poller.close();
    }

    private VhostUserFrontend connect(int guest) throws Exception {
        VhostUserFrontend frontend = VhostUserFrontend.connect(sockets.get(guest).toString(), Options.defaults());
        frontend.start();
        return frontend;
    }

    private static byte[] request(int guest, int round) {
        return new byte[] {(byte) guest, (byte) round, 1, 2, 3, 4, 5, 6};
    }

    @Test
    void sixtyFourGuestsConnectAtOnceAndTheCoreThreadsServeThemAll() throws Exception {
        List<VhostUserFrontend> guests = new ArrayList<>();
        try (ExecutorService vcpus = Executors.newFixedThreadPool(GUESTS)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<VhostUserFrontend>> connecting = new ArrayList<>();
            for (int i = 0; i < GUESTS; i++) {
                int guest = i;
                connecting.add(vcpus.submit(() -> {
                    go.await();
                    VhostUserFrontend frontend = connect(guest);
                    assertArrayEquals(request(guest, 0), frontend.call(request(guest, 0), 64));
                    return frontend;
                }));
            }
            go.countDown();
            for (Future<VhostUserFrontend> guest : connecting) {
                guests.add(guest.get(WAIT_SECONDS, TimeUnit.SECONDS));
            }
        }
        try {
            assertEquals(GUESTS, device.sessions().size());
            // Every guest connected: its connection and its two kick fds watched (no listening socket while connected) ...
            // ... and, once nothing is in flight, served by the pool's core threads alone.
            assertEquals(GUESTS * 3, poller.watched());
            assertTrue(eventually(() -> poller.threads() == Poller.CORE_THREADS), poller.threads() + " threads");
            for (int round = 1; round <= 2; round++) {
                for (int i = 0; i < GUESTS; i++) {
                    assertTrue(eventually(() -> poller.waitingThreads() == Poller.CORE_THREADS));
                    assertArrayEquals(request(i, round), guests.get(i).call(request(i, round), 64));
                }
            }
            assertEquals(Poller.CORE_THREADS, poller.threads());
        } finally {
            guests.forEach(VhostUserFrontend::close);
        }
    }

    @Test
    void aGuestWhoseCommandBlocksHoldsUpNoOtherGuest() throws Exception {
        try (VhostUserFrontend slow = connect(0); VhostUserFrontend other = connect(1);
                VhostUserFrontend third = connect(2)) {
            byte[] blocking = {BLOCKING, 1, 2, 3};
            int head = slow.submit(blocking, 64);
            assertTrue(blocked.await(WAIT_SECONDS, TimeUnit.SECONDS), "the blocking command never reached the device");
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(request(1, i), other.call(request(1, i), 64));
                assertArrayEquals(request(2, i), third.call(request(2, i), 64));
            }
            release.countDown();
            UsedBuffer answer = slow.awaitCompletion();
            assertEquals(head, answer.id());
            assertArrayEquals(blocking, answer.written());
            assertArrayEquals(request(0, 1), slow.call(request(0, 1), 64));
        }
    }

    @Test
    void guestsComeAndGoWhileOthersSend() throws Exception {
        int steady = 4;
        int coming = 4;
        long fdsBefore = TestGuests.openFds();
        try (ExecutorService vcpus = Executors.newFixedThreadPool(steady + coming)) {
            List<Future<Void>> all = new ArrayList<>();
            for (int i = 0; i < steady; i++) {
                int guest = i;
                all.add(vcpus.submit(() -> {
                    try (VhostUserFrontend frontend = connect(guest)) {
                        for (int round = 0; round < 300; round++) {
                            assertArrayEquals(request(guest, round), frontend.call(request(guest, round), 64));
                        }
                    }
                    return null;
                }));
            }
            for (int i = steady; i < steady + coming; i++) {
                int guest = i;
                all.add(vcpus.submit(() -> {
                    for (int visit = 0; visit < 10; visit++) {
                        try (VhostUserFrontend frontend = connect(guest)) {
                            assertArrayEquals(request(guest, visit), frontend.call(request(guest, visit), 64));
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> guest : all) {
                guest.get(WAIT_SECONDS * 2, TimeUnit.SECONDS);
            }
        }
        assertTrue(eventually(() -> device.sessions().stream().allMatch(s -> s.isClosed())), "sessions left open");
        assertEquals(steady + coming * 10, device.sessions().size());
        assertTrue(eventually(() -> poller.watched() == GUESTS), poller.watched() + " fds watched, expected the "
                + GUESTS + " listening sockets");
        assertTrue(eventually(() -> TestGuests.openFds() == fdsBefore), "fds left open: " + TestGuests.openFds()
                + ", " + fdsBefore + " before");
        assertTrue(eventually(() -> TestGuests.mappingsOf("vhost-user-frontend") == 0), "guest memory left mapped");
    }
}
