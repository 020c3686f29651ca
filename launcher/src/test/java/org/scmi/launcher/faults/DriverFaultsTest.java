package org.scmi.launcher.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;
import org.scmi.api.reset.ResetDomain;
import org.scmi.api.reset.ResetDriver;
import org.scmi.api.reset.ResetListener;
import org.scmi.launcher.fuzz.SimulatedPlatform;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * Injected driver faults, on the real device, dispatcher and protocols over the simulated board:
 * a board driver that throws, hangs, or describes garbage. The reset protocol is the victim (its
 * driver contract is the smallest); the other protocols call their drivers the same way.
 */
class DriverFaultsTest {
    private static final long RAM = 0x4000_0000L;
    private static final int RESET = 0x16;
    private static final int DOMAIN_ATTRIBUTES = 0x3;
    private static final int RESET_DOMAIN = 0x4;
    private static final int AUTONOMOUS = 1;
    private static final int COLD = 0;
    /** RESET_DOMAIN_ATTRIBUTES: attributes, latency, then the name. */
    private static final int NAME_OFFSET = 8;
    private static final int NAME_SIZE = 16;
    private static final String FAULTY_NAME = "faulty_rst";
    private static final String BOARD_NAME = "rtc_rst";

    private final Arena arena = Arena.ofShared();
    private SimulatedPlatform platform;

    @BeforeEach
    void start() throws Exception {
        platform = new SimulatedPlatform();
    }

    @AfterEach
    void stop() throws Exception {
        platform.close();
        arena.close();
    }

    @Test
    void aDriverThatThrowsFailsOnlyItsOwnCommandsWithGenericError() throws Exception {
        platform.addDriver(new FaultyResetDriver(() -> {
            throw new IllegalStateException("driver bug");
        }), "faulty");
        Guest guest = new Guest("vm1", 0);
        int guestFaulty = guest.domain(FAULTY_NAME);
        int guestBoard = guest.domain(BOARD_NAME);
        assertEquals(ScmiStatus.GENERIC_ERROR.code(), guest.call(RESET, RESET_DOMAIN, guestFaulty, AUTONOMOUS,
                COLD).status());
        assertEquals(ScmiStatus.SUCCESS.code(), guest.call(RESET, RESET_DOMAIN, guestBoard, AUTONOMOUS, COLD)
                .status(), "the board's own domains keep working");
        assertEquals(ScmiStatus.SUCCESS.code(), guest.call(RESET, DOMAIN_ATTRIBUTES, guestFaulty).status(),
                "what the protocol knows without calling the driver still answers");
        guest.assertHealthy();
    }

    @Test
    void aDriverThatHangsHoldsOnlyTheGuestWaitingForItsCommand() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        platform.addDriver(new FaultyResetDriver(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "hanging");
        Guest stuck = new Guest("vm1", 0);
        Guest other = new Guest("vm2", 1 << 20);
        int guestFaulty = stuck.domain(FAULTY_NAME);
        int guestBoard = stuck.domain(BOARD_NAME);
        CompletableFuture<Answer> waiting = CompletableFuture.supplyAsync(() -> stuck.call(RESET, RESET_DOMAIN,
                guestFaulty, AUTONOMOUS, COLD));
        try {
            for (int i = 0; i < 20; i++) {
                assertEquals(ScmiStatus.SUCCESS.code(), other.call(RESET, RESET_DOMAIN, guestBoard, AUTONOMOUS,
                        COLD).status(), "another guest resets a line of the board while the driver hangs");
                assertEquals(ScmiStatus.SUCCESS.code(), other.call(RESET, DOMAIN_ATTRIBUTES, guestFaulty).status());
            }
            assertFalse(waiting.isDone(), "the stuck guest's reset waits for the driver");
        } finally {
            release.countDown();
        }
        assertEquals(ScmiStatus.SUCCESS.code(), waiting.get(10, TimeUnit.SECONDS).status(),
                "answered once the driver returns");
        stuck.assertHealthy();
        other.assertHealthy();
    }

    @Test
    void aDriverDescribingGarbageIsRefusedAndTheBoardKeepsServing() throws Exception {
        ResetDriver garbage = new FaultyResetDriver(() -> { }) {
            @Override
            public List<ResetDomain> domains() {
                throw new IllegalStateException("driver cannot list its domains");
            }
        };
        try {
            platform.addDriver(garbage, "garbage");
        } catch (IllegalStateException e) {
            // SCR logs a bind method that fails and carries on, as the platform does here
        }
        Guest guest = new Guest("vm1", 0);
        assertEquals(-1, guest.domain(FAULTY_NAME), "no domain of the refused driver is listed");
        assertEquals(ScmiStatus.SUCCESS.code(), guest.call(RESET, RESET_DOMAIN, guest.domain(BOARD_NAME), AUTONOMOUS,
                COLD).status());
        guest.assertHealthy();
    }

    /** One answer: the status and the bytes after it. */
    private record Answer(int status, byte[] values) {
    }

    /** A guest with its own command queue in its own memory, served on the calling thread. */
    private final class Guest {
        private final VirtioDeviceSession session;
        private final DriverSplitQueue cmdq;
        private volatile String broken;

        Guest(String name, long offset) {
            DriverMemory memory = DriverMemory.allocate(arena, RAM + offset, 1 << 20);
            session = platform.device().open(new GuestIdentity("faults:" + name, name), new GuestTransport() {
                @Override
                public void notifyGuest(int queueIndex) {
                }

                @Override
                public void deviceNeedsReset(String reason) {
                    broken = reason;
                }
            });
            session.setFeatures(VirtioFeatures.bit(VirtioFeatures.VERSION_1));
            cmdq = new DriverSplitQueue(memory, 16, false, 512);
            session.startQueue(0, cmdq.setup());
        }

        synchronized Answer call(int protocol, int message, int... parameters) {
            ByteBuffer request = ByteBuffer.allocate(4 + 4 * parameters.length).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(ScmiHeader.command(protocol, message, 0).encode());
            for (int parameter : parameters) {
                request.putInt(parameter);
            }
            cmdq.add(List.of(request.array()), 136);
            if (cmdq.publish()) {
                session.queueNotified(0);
            }
            UsedBuffer used = cmdq.poll();
            assertTrue(used != null && used.length() >= 8, "answered");
            ByteBuffer answer = ByteBuffer.wrap(used.written()).order(ByteOrder.LITTLE_ENDIAN);
            byte[] values = new byte[used.length() - 8];
            answer.get(8, values);
            return new Answer(answer.getInt(4), values);
        }

        /** The id under which this guest sees the reset domain {@code name}, or -1. */
        int domain(String name) {
            for (int id = 0; ; id++) {
                Answer attributes = call(RESET, DOMAIN_ATTRIBUTES, id);
                if (attributes.status() != ScmiStatus.SUCCESS.code()) {
                    return -1;
                }
                String listed = new String(attributes.values(), NAME_OFFSET, NAME_SIZE, StandardCharsets.US_ASCII);
                if (listed.replace("\0", "").equals(name)) {
                    return id;
                }
            }
        }

        void assertHealthy() {
            assertNull(broken, "the device gave up on the guest");
        }
    }

    /** One reset domain whose every reset runs {@code fault}. */
    private static class FaultyResetDriver implements ResetDriver {
        private final Runnable fault;

        FaultyResetDriver(Runnable fault) {
            this.fault = fault;
        }

        @Override
        public List<ResetDomain> domains() {
            return List.of(new ResetDomain("line", "faulty_rst", 10, false, Set.of()));
        }

        @Override
        public void reset(String domainKey, int resetState) throws ScmiException {
            fault.run();
        }

        @Override
        public void setAsserted(String domainKey, boolean asserted, int resetState) throws ScmiException {
            fault.run();
        }

        @Override
        public boolean asserted(String domainKey) {
            return false;
        }

        @Override
        public void addListener(ResetListener listener) {
        }

        @Override
        public void removeListener(ResetListener listener) {
        }
    }
}
