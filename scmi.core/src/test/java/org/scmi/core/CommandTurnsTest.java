package org.scmi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/**
 * A guest with more commands waiting than one turn answers: the cmdq answers
 * {@link CommandQueue#COMMANDS_PER_TURN} per wake-up, interrupts the guest and hands the queue
 * back to the transport for the next turn; a transport that cannot come back gets every command
 * answered in one wake-up, turn after turn.
 */
class CommandTurnsTest {
    private static final long BASE = 0x4000_0000L;
    private static final int BASE_PROTOCOL = 0x10;
    private static final int WAITING = 100;

    private final Arena arena = Arena.ofShared();
    private final DriverMemory memory = DriverMemory.allocate(arena, BASE, 4 << 20);
    private final RecordingTransport transport = new RecordingTransport();
    private DriverSplitQueue cmdq;
    private VirtioDeviceSession session;

    @BeforeEach
    void connect() {
        AgentStates states = new AgentStates();
        ScmiDevice device = new ScmiDevice(new AgentRegistry(states, new FixedProfiles()), states,
                ScmiDeviceSessionTest.config(2));
        device.addEngine(new SplitQueueFactory());
        FakeProtocol base = new FakeProtocol(BASE_PROTOCOL, 0x20001);
        device.addProtocol(base, Map.of(ScmiProtocol.PROTOCOL_ID, BASE_PROTOCOL));
        session = device.open(new GuestIdentity("test:guest0", "guest0"), transport);
        session.setFeatures(VirtioFeatures.bit(VirtioFeatures.VERSION_1));
        cmdq = new DriverSplitQueue(memory, 256, false, 512);
        session.startQueue(VirtioScmi.CMDQ, cmdq.setup());
        for (int token = 0; token < WAITING; token++) {
            cmdq.add(List.of(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(ScmiHeader.command(BASE_PROTOCOL, 0, token).encode()).array()), 12);
        }
        assertTrue(cmdq.publish(), "the guest kicks");
    }

    @AfterEach
    void close() {
        session.close();
        arena.close();
    }

    private int answered() {
        int count = 0;
        while (cmdq.poll() != null) {
            count++;
        }
        return count;
    }

    @Test
    void eachWakeUpAnswersOneTurnInterruptsTheGuestAndHandsTheQueueBack() {
        transport.comesBack = true;
        int turns = 0;
        int answered = 0;
        do {
            session.queueNotified(VirtioScmi.CMDQ); // the first from the guest's kick, the others as the transport comes back
            turns++;
            int now = answered();
            assertEquals(Math.min(CommandQueue.COMMANDS_PER_TURN, WAITING - answered), now, "turn " + turns);
            answered += now;
            assertEquals(turns, transport.interrupts.get(VirtioScmi.CMDQ), "an interrupt after each turn");
        } while (transport.resumed.size() == turns);
        assertEquals(WAITING, answered);
        assertEquals((WAITING + CommandQueue.COMMANDS_PER_TURN - 1) / CommandQueue.COMMANDS_PER_TURN, turns);
        assertEquals(turns - 1, transport.resumed.size(), "the last turn found the queue empty and kept it");
    }

    @Test
    void aTransportThatCannotComeBackHasEveryCommandAnsweredInOneWakeUp() {
        session.queueNotified(VirtioScmi.CMDQ);
        assertEquals(WAITING, answered());
        assertEquals(WAITING / CommandQueue.COMMANDS_PER_TURN, transport.resumed.size());
        assertEquals(transport.resumed.size() + 1, transport.interrupts.get(VirtioScmi.CMDQ));
    }
}
