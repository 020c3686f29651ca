package org.scmi.launcher.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * Fuzz target: SCMI commands of any protocol, message, header and parameters, sent by a guest over
 * its virtio-scmi command queue to the real device, dispatcher and protocol components over the
 * simulated board (see {@link SimulatedPlatform}). The input chooses mostly protocol ids and
 * message ids that exist and parameters that are small numbers (ids, flags, indexes), so that the
 * commands reach deep into each protocol; and any word at all, of any length, in between.
 *
 * <p>Invariants, for every command: it is answered, at once, in the chain it came in; a chain
 * that cannot hold a header and a status is returned empty, any other answer is the request's
 * header word, a status the specification defines, and return values only with SUCCESS; the
 * answer never exceeds the chain's writable bytes; no protocol throws (the dispatcher would
 * answer GENERIC_ERROR); and the device never gives up on the queue: a guest that sends bad
 * commands in good chains is not a broken guest.
 */
class ScmiCommandsFuzzTest {
    private static final long RAM = 0x4000_0000L;
    private static final int[] PROTOCOLS = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19};
    private static final int MAX_MESSAGE = 0x20;
    private static final int HEADER_AND_STATUS = 8;
    private static final int LINUX_REPLY = 128 + HEADER_AND_STATUS;
    private static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) | VirtioFeatures.bit(0);

    private static SimulatedPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = new SimulatedPlatform();
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @FuzzTest(maxDuration = "10m")
    void commands(FuzzedDataProvider data) {
        Guest guest = new Guest();
        try (Arena arena = Arena.ofShared()) {
            DriverMemory memory = DriverMemory.allocate(arena, RAM, 1 << 20);
            VirtioDeviceSession session = platform.device().open(new GuestIdentity("fuzz:guest", "fuzz"), guest);
            try {
                session.setFeatures(FEATURES);
                DriverSplitQueue cmdq = new DriverSplitQueue(memory, 16, false, 8192);
                DriverSplitQueue eventq = new DriverSplitQueue(memory, 8, false, 256);
                session.startQueue(0, cmdq.setup());
                for (int i = 0; i < 8; i++) {
                    eventq.add(List.of(), 64);
                }
                eventq.publish();
                session.startQueue(1, eventq.setup());
                for (int sent = 0; sent < 64 && data.remainingBytes() > 0; sent++) {
                    command(data, session, cmdq);
                }
            } finally {
                session.close();
            }
        }
        assertNull(guest.brokenQueue, "the device gave up on the guest's queues");
    }

    private static void command(FuzzedDataProvider data, VirtioDeviceSession session, DriverSplitQueue cmdq) {
        int protocol = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xFF) : data.pickValue(PROTOCOLS);
        int message = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xFF) : data.consumeInt(0, MAX_MESSAGE);
        int token = data.consumeInt(0, ScmiHeader.TOKEN_MASK);
        int header = ScmiHeader.command(protocol, message, token).encode();
        if (data.consumeInt(0, 15) == 0) {
            header ^= data.consumeInt(); // a type other than command, reserved bits
        }
        int words = data.consumeInt(0, 8);
        ByteBuffer request = ByteBuffer.allocate(4 + 4 * words + (data.consumeInt(0, 7) == 0 ? data.consumeInt(1, 3) : 0))
                .order(ByteOrder.LITTLE_ENDIAN).putInt(header);
        while (request.remaining() >= 4) {
            request.putInt(switch (data.consumeInt(0, 3)) {
                case 0 -> data.consumeInt(0, 8);
                case 1 -> data.consumeInt(0, 64);
                case 2 -> 1 << data.consumeInt(0, 31);
                default -> data.consumeInt();
            });
        }
        int writable = data.consumeInt(0, 15) == 0 ? data.consumeInt(0, 4096) : LINUX_REPLY;

        int head = cmdq.add(List.of(request.array()), writable);
        if (cmdq.publish()) {
            session.queueNotified(0);
        }
        UsedBuffer used = cmdq.poll();
        String command = ScmiHeader.decode(header) + " with " + (request.capacity() - 4) + " parameter bytes";
        assertNotNull(used, command + ": not answered");
        assertEquals(head, used.id());
        assertTrue(used.length() <= writable, command + ": " + used.length() + " bytes answered into " + writable);
        if (writable < HEADER_AND_STATUS) {
            assertEquals(0, used.length(), command + ": an answer in a chain too small for one");
            return;
        }
        ByteBuffer answer = ByteBuffer.wrap(used.written()).order(ByteOrder.LITTLE_ENDIAN);
        // Not always whole words: PINCTRL_LIST_ASSOCIATIONS returns 16-bit ids, as SCP-firmware does.
        assertTrue(used.length() >= HEADER_AND_STATUS, command + ": answer of " + used.length() + " bytes");
        assertEquals(header, answer.getInt(0), command + ": header not echoed");
        int status = answer.getInt(4);
        assertNotNull(ScmiStatus.of(status), command + ": undefined status " + status);
        assertNotEquals(ScmiStatus.GENERIC_ERROR.code(), status, command + ": a protocol failed unexpectedly");
        if (status != ScmiStatus.SUCCESS.code()) {
            assertEquals(HEADER_AND_STATUS, used.length(), command + ": return values with status " + status);
        }
    }

    /** The transport side of the guest: interrupts are not needed (answers are polled). */
    private static final class Guest implements GuestTransport {
        volatile String brokenQueue;

        @Override
        public void notifyGuest(int queueIndex) {
        }

        @Override
        public void deviceNeedsReset(String reason) {
            brokenQueue = reason;
        }
    }
}
