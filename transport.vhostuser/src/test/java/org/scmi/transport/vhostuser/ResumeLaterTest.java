package org.scmi.transport.vhostuser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend.Options;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceSession;

/**
 * How the vhost-user transport takes a queue handed back with {@code GuestTransport.resumeLater}:
 * from the queue's own kick handler it says no, so the device goes on with its next turn on that
 * thread (the poller keeps another thread waiting for everyone else); from the connection handler
 * starting the queue it signals the kick eventfd, so a kick handler serves the queue and the
 * connection handler is free for the front-end's next request.
 */
class ResumeLaterTest {
    private static final int CMDQ = 0;

    @TempDir
    Path directory;
    private Poller poller;
    private VhostUserGuestComponent component;
    private Path socket;
    /** What resumeLater answered, and who asked: "start:" or "kick:", then true or false. */
    private final Queue<String> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger notified = new AtomicInteger();

    @BeforeEach
    void listen() throws Exception {
        poller = new Poller();
        socket = directory.resolve("guest.sock");
        component = new VhostUserGuestComponent(TestGuests.config(socket, ""), new HandingBack(new EchoDevice()),
                poller);
    }

    @AfterEach
    void stop() {
        component.deactivate();
        poller.close();
    }

    @Test
    void aQueueHandedBackFromItsKickHandlerGoesOnThereAndAStartingQueueMovesToAKickHandler() throws Exception {
        try (VhostUserFrontend guest = VhostUserFrontend.connect(socket.toString(), Options.defaults())) {
            guest.start();
            byte[] request = {1, 2, 3, 4, 5, 6, 7, 8};
            assertArrayEquals(request, guest.call(request, request.length));
            assertTrue(TestGuests.eventually(() -> answers.contains("start:true")),
                    "resumeLater from the connection handler starting the queue: " + seen());
            assertTrue(TestGuests.eventually(() -> answers.contains("kick:false")),
                    "resumeLater from the queue's kick handler: " + seen());
            assertFalse(answers.contains("kick:true"), "a kick handler was told it would be called back: " + seen());
            assertFalse(answers.contains("start:false"), "a starting queue was served on the connection handler: "
                    + seen());
            int before = notified.get();
            assertArrayEquals(request, guest.call(request, request.length));
            assertTrue(TestGuests.eventually(() -> notified.get() > before), "the next kick reaches the device");
            assertEquals(0, answers.stream().filter("kick:true"::equals).count());
        }
    }

    /** The different answers so far: a transport that calls a kick handler back would give thousands. */
    private Set<String> seen() {
        return new TreeSet<>(answers);
    }

    /** The echo device, whose sessions hand their command queue back each time they start or run it. */
    private final class HandingBack implements VirtioDevice {
        private final VirtioDevice device;

        HandingBack(VirtioDevice device) {
            this.device = device;
        }

        @Override
        public int deviceId() {
            return device.deviceId();
        }

        @Override
        public long features() {
            return device.features();
        }

        @Override
        public int queueCount() {
            return device.queueCount();
        }

        @Override
        public int maxQueueSize() {
            return device.maxQueueSize();
        }

        @Override
        public VirtioDeviceSession open(GuestIdentity guest, GuestTransport transport) {
            VirtioDeviceSession session = device.open(guest, transport);
            return new VirtioDeviceSession() {
                @Override
                public void setFeatures(long features) {
                    session.setFeatures(features);
                }

                @Override
                public void startQueue(int queueIndex, QueueSetup setup) {
                    session.startQueue(queueIndex, setup);
                    if (queueIndex == CMDQ) {
                        answers.add("start:" + transport.resumeLater(queueIndex));
                    }
                }

                @Override
                public int stopQueue(int queueIndex) {
                    return session.stopQueue(queueIndex);
                }

                @Override
                public void queueNotified(int queueIndex) {
                    session.queueNotified(queueIndex);
                    if (queueIndex == CMDQ) {
                        notified.incrementAndGet();
                        answers.add("kick:" + transport.resumeLater(queueIndex));
                    }
                }

                @Override
                public void reset() {
                    session.reset();
                }

                @Override
                public void close() {
                    session.close();
                }
            };
        }
    }
}
