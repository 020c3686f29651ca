package org.scmi.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.Agent;
import org.scmi.api.MessageHandler;
import org.scmi.api.MessageObserver;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiStatus;
import org.scmi.core.admin.GuestSessions;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.RingPosition;
import org.scmi.virtio.ring.SplitRing;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.VirtqueueException;
import org.scmi.virtio.ring.VirtqueueFactory;
import org.scmi.virtio.ring.driver.DriverMemory;
import org.scmi.virtio.ring.driver.DriverSplitQueue;
import org.scmi.virtio.ring.driver.UsedBuffer;
import org.scmi.virtio.ring.split.SplitQueueFactory;
import org.scmi.virtio.ring.testing.SteadyStateAllocation;

/** A guest's virtio-scmi device end to end: real rings in guest memory, exact bytes and lengths. */
class ScmiDeviceSessionTest {
    private static final long BASE = 0x4000_0000L;
    private static final int BASE_PROTOCOL = 0x10;
    private static final int SENSOR_PROTOCOL = 0x15;
    private static final long P2A = VirtioFeatures.bit(VirtioScmi.F_P2A_CHANNELS);
    private static final long RING_FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);

    private final Arena arena = Arena.ofShared(); // events come from other threads
    private final DriverMemory memory = DriverMemory.allocate(arena, BASE, 4 << 20);
    private final AgentRegistry agents = new AgentRegistry(new AgentStates());
    private final RecordingTransport transport = new RecordingTransport();
    private final FakeProtocol base = new FakeProtocol(BASE_PROTOCOL, 0x20001)
            .on(0x3, 0, (request, reply) -> reply.name("SCMI-Server", 16))
            .on(0x4, MessageHandler.VARIABLE_LENGTH, (request, reply) -> {
                while (reply.remaining() >= 4) {
                    reply.u32(reply.remaining());
                }
            })
            .on(0x5, 0, (request, reply) -> reply.u64(0x1122334455667788L).u64(1).u64(2));
    private final FakeProtocol sensor = new FakeProtocol(SENSOR_PROTOCOL, 0x30001);
    private static final VirtqueueFactory SETUP_ENGINE = new SplitQueueFactory();
    private ScmiDevice backend;
    private DriverSplitQueue cmdq;
    private DriverSplitQueue eventq;
    private VirtioDeviceSession session;

    static ScmiDevice.Config config(int pendingNotifications) {
        return new ScmiDevice.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ScmiDevice.Config.class;
            }

            @Override
            public int pending_notifications() {
                return pendingNotifications;
            }

            @Override
            public int absent_protocol_grace_ms() {
                return 100;
            }
        };
    }

    @BeforeEach
    void setUp() {
        backend = new ScmiDevice(agents, new AgentStates(), config(2));
        backend.addEngine(SETUP_ENGINE);
        backend.addProtocol(base, Map.of(ScmiProtocol.PROTOCOL_ID, BASE_PROTOCOL));
    }

    @AfterEach
    void tearDown() {
        if (session != null) {
            session.close();
        }
        arena.close();
    }

    /** Connects guest0 with both queues, accepting {@code features}. */
    private void connect(long features) {
        session = backend.open(new GuestIdentity("test:guest0", "guest0"), transport);
        session.setFeatures(features);
        boolean eventIdx = VirtioFeatures.has(features, VirtioFeatures.RING_EVENT_IDX);
        cmdq = new DriverSplitQueue(memory, 16, eventIdx, 512);
        eventq = new DriverSplitQueue(memory, 8, eventIdx, 256);
        session.startQueue(VirtioScmi.CMDQ, cmdq.setup());
        session.startQueue(VirtioScmi.EVENTQ, eventq.setup());
    }

    private Agent agent() {
        return agents.agent(1).orElseThrow();
    }

    private static byte[] words(int... values) {
        byte[] bytes = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            WireWords.put(bytes, i * 4, values[i]);
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** Publishes and kicks the way a guest does: only when the device asked for it. */
    private void kick(DriverSplitQueue queue, int queueIndex) {
        if (queue.publish()) {
            session.queueNotified(queueIndex);
        }
    }

    /** Sends one command and returns the used buffer. */
    private UsedBuffer command(byte[] request, int writable) {
        int head = cmdq.add(List.of(request), writable);
        kick(cmdq, VirtioScmi.CMDQ);
        UsedBuffer used = cmdq.poll();
        assertNotNull(used, "no response");
        assertEquals(head, used.id());
        return used;
    }

    private static int header(int protocol, int message, int token) {
        return ScmiHeader.command(protocol, message, token).encode();
    }

    @Test
    void protocolVersionByteForByte() {
        connect(RING_FEATURES);
        int header = header(BASE_PROTOCOL, 0, 0);
        assertEquals(0x4000, header);
        UsedBuffer used = command(words(header), 12);
        assertEquals(12, used.length());
        assertArrayEquals(words(0x4000, 0, 0x20001), used.written());
        assertEquals(1, transport.interrupts.get(VirtioScmi.CMDQ));
    }

    @Test
    void headerEchoedUnchangedAndUsedLengthExact() {
        connect(RING_FEATURES);
        int header = header(BASE_PROTOCOL, 0x3, 0x2A) | 0xF000_0000;
        UsedBuffer used = command(words(header), 136);
        assertEquals(24, used.length());
        assertArrayEquals(concat(words(header, 0), "SCMI-Server".getBytes(), new byte[5]), used.written());
    }

    @Test
    void errorsCarryOnlyTheStatus() {
        connect(RING_FEATURES);
        UsedBuffer unknownProtocol = command(words(header(0x13, 0, 1)), 136);
        assertEquals(8, unknownProtocol.length());
        assertArrayEquals(words(header(0x13, 0, 1), -1), unknownProtocol.written());
        UsedBuffer unknownMessage = command(words(header(BASE_PROTOCOL, 0x9, 2)), 136);
        assertArrayEquals(words(header(BASE_PROTOCOL, 0x9, 2), -4), unknownMessage.written());
        UsedBuffer tooLong = command(words(header(BASE_PROTOCOL, 0x3, 3), 0), 136);
        assertArrayEquals(words(header(BASE_PROTOCOL, 0x3, 3), -10), tooLong.written());
    }

    @Test
    void repliesAreSizedByTheWritableBuffer() {
        connect(RING_FEATURES);
        UsedBuffer paged = command(words(header(BASE_PROTOCOL, 0x4, 0)), 8 + 12);
        assertEquals(20, paged.length());
        assertArrayEquals(words(header(BASE_PROTOCOL, 0x4, 0), 0, 12, 8, 4), paged.written());
        UsedBuffer small = command(words(header(BASE_PROTOCOL, 0x5, 0)), 8 + 16);
        assertEquals(8, small.length(), "24 bytes of values do not fit 16: COMMS_ERROR");
        assertArrayEquals(words(header(BASE_PROTOCOL, 0x5, 0), -7), small.written());
    }

    @Test
    void chainsThatCannotHoldAResponseAreReturnedEmpty() {
        connect(RING_FEATURES);
        assertEquals(0, command(words(header(BASE_PROTOCOL, 0, 0)), 7).length());
        int head = cmdq.add(List.of(words(header(BASE_PROTOCOL, 0, 1))));
        kick(cmdq, VirtioScmi.CMDQ);
        UsedBuffer noWritable = cmdq.poll();
        assertEquals(head, noWritable.id());
        assertEquals(0, noWritable.length());
        assertEquals(0, command(new byte[3], 12).length(), "no complete header");
        assertTrue(transport.resetReasons.isEmpty(), "the queue keeps running");
        assertArrayEquals(words(0x4000, 0, 0x20001), command(words(0x4000), 12).written());
    }

    @Test
    void indirectChainsAndSplitBuffers() {
        connect(RING_FEATURES);
        cmdq.addIndirect(List.of(words(header(BASE_PROTOCOL, 0, 5))), 12);
        kick(cmdq, VirtioScmi.CMDQ);
        assertArrayEquals(words(header(BASE_PROTOCOL, 0, 5), 0, 0x20001), cmdq.poll().written());

        byte[] request = words(header(BASE_PROTOCOL, 0x3, 6));
        cmdq.add(List.of(new byte[] {request[0], request[1]}, new byte[] {request[2], request[3]}), 4, 4, 16);
        kick(cmdq, VirtioScmi.CMDQ);
        UsedBuffer used = cmdq.poll();
        assertEquals(24, used.length());
        assertArrayEquals(concat(words(header(BASE_PROTOCOL, 0x3, 6), 0), "SCMI-Server".getBytes(), new byte[5]),
                used.written());
    }

    @Test
    void guestKeepsKickingWithEventIdx() {
        connect(RING_FEATURES);
        for (int i = 0; i < 40; i++) {
            assertEquals(12, command(words(header(BASE_PROTOCOL, 0, i)), 12).length(), "request " + i);
        }
        assertEquals(40, transport.interrupts.get(VirtioScmi.CMDQ));
    }

    @Test
    void guestKeepsKickingWithoutEventIdx() {
        connect(RING_FEATURES & ~VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX));
        for (int i = 0; i < 40; i++) {
            assertEquals(12, command(words(header(BASE_PROTOCOL, 0, i)), 12).length(), "request " + i);
        }
        assertEquals(0, cmdq.usedFlags(), "notifications re-enabled after draining");
    }

    @Test
    void eightInFlightWithOneInterrupt() {
        connect(RING_FEATURES);
        cmdq.interruptAfter((cmdq.lastUsedIndex() + 7) & 0xFFFF);
        for (int i = 0; i < 8; i++) {
            cmdq.add(List.of(words(header(BASE_PROTOCOL, 0, i))), 12);
        }
        kick(cmdq, VirtioScmi.CMDQ);
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(words(header(BASE_PROTOCOL, 0, i), 0, 0x20001), cmdq.poll().written());
        }
        assertEquals(1, transport.interrupts.get(VirtioScmi.CMDQ));

        cmdq.disableInterrupts();
        command(words(header(BASE_PROTOCOL, 0, 9)), 12);
        assertEquals(1, transport.interrupts.get(VirtioScmi.CMDQ), "interrupts off");
    }

    @Test
    void malformedRingStopsOnlyThatGuestsQueue() {
        connect(RING_FEATURES);
        cmdq.writeDescriptor(cmdq.descriptorTableAddress(), 15, BASE + memory.size() - 4, 12, SplitRing.DESC_F_WRITE,
                0);
        cmdq.offer(15);
        kick(cmdq, VirtioScmi.CMDQ);
        assertEquals(1, transport.resetReasons.size());
        assertTrue(transport.resetReasons.get(0).contains("cmdq"), transport.resetReasons.get(0));
        assertTrue(transport.resetReasons.get(0).contains("outside the guest's memory"));

        // The queue is no longer served...
        cmdq.add(List.of(words(0x4000)), 12);
        cmdq.publish();
        session.queueNotified(VirtioScmi.CMDQ);
        assertNull(cmdq.poll());
        assertEquals(1, session.stopQueue(VirtioScmi.CMDQ), "resumes where the device stopped");

        // ...while another guest is served as usual.
        RecordingTransport otherTransport = new RecordingTransport();
        try (VirtioDeviceSession other = backend.open(new GuestIdentity("test:guest1", "guest1"), otherTransport)) {
            other.setFeatures(RING_FEATURES);
            DriverSplitQueue otherCmdq = new DriverSplitQueue(memory, 8, true, 256);
            other.startQueue(VirtioScmi.CMDQ, otherCmdq.setup());
            otherCmdq.add(List.of(words(0x4000)), 12);
            assertTrue(otherCmdq.publish());
            other.queueNotified(VirtioScmi.CMDQ);
            assertArrayEquals(words(0x4000, 0, 0x20001), otherCmdq.poll().written());
            assertTrue(otherTransport.resetReasons.isEmpty());
        }

        // After a device reset the guest is served again.
        session.reset();
        session.setFeatures(RING_FEATURES);
        cmdq = new DriverSplitQueue(memory, 16, true, 512);
        session.startQueue(VirtioScmi.CMDQ, cmdq.setup());
        assertArrayEquals(words(0x4000, 0, 0x20001), command(words(0x4000), 12).written());
    }

    @Test
    void badQueueSetupIsAGuestError() {
        session = backend.open(new GuestIdentity("test:guest0", "guest0"), transport);
        session.setFeatures(RING_FEATURES);
        DriverSplitQueue big = new DriverSplitQueue(memory, 2048, true, 8);
        session.startQueue(VirtioScmi.CMDQ, big.setup());
        assertTrue(transport.resetReasons.get(0).contains("exceeds the device's maximum 1024"));
        assertThrows(IllegalArgumentException.class, () -> session.startQueue(2, big.setup()));
    }

    @Test
    void featureNegotiation() {
        assertEquals(RING_FEATURES, backend.features(), "nothing to send yet: no P2A");
        backend.addProtocol(sensor, Map.of(ScmiProtocol.PROTOCOL_ID, SENSOR_PROTOCOL, ScmiProtocol.EVENTS, true));
        assertEquals(RING_FEATURES | P2A, backend.features());
        backend.removeProtocol(sensor, Map.of());
        assertEquals(RING_FEATURES, backend.features());
        backend.addProtocol(sensor, Map.of(ScmiProtocol.PROTOCOL_ID, SENSOR_PROTOCOL, ScmiProtocol.EVENTS, false));
        assertEquals(RING_FEATURES, backend.features());
        backend.updatedProtocol(sensor, Map.of(ScmiProtocol.PROTOCOL_ID, SENSOR_PROTOCOL, ScmiProtocol.EVENTS, true));
        assertEquals(RING_FEATURES | P2A, backend.features());

        assertEquals(32, backend.deviceId());
        assertEquals(2, backend.queueCount());
        assertEquals(1024, backend.maxQueueSize());

        session = backend.open(new GuestIdentity("test:guest0", "guest0"), transport);
        assertThrows(IllegalArgumentException.class,
                () -> session.setFeatures(RING_FEATURES & ~VirtioFeatures.bit(VirtioFeatures.VERSION_1)));
        assertThrows(IllegalArgumentException.class, () -> session.setFeatures(RING_FEATURES | 1L << 30));
    }

    @Test
    void withoutP2aThereIsNoEventChannel() {
        connect(RING_FEATURES);
        assertFalse(agent().hasEventChannel());
        assertFalse(agent().sendEvent(ScmiHeader.notification(SENSOR_PROTOCOL, 0).encode(), words(1)));
    }

    @Test
    void delayedResponseKeptUntilABufferIsPosted() {
        connect(RING_FEATURES | P2A);
        assertTrue(agent().hasEventChannel());
        int delayed = ScmiHeader.delayedResponseFor(header(0x14, 0x5, 0x21));
        assertTrue(agent().sendEvent(delayed, words(0, 3)));
        assertNull(eventq.poll());
        assertEquals(0, transport.interrupts.get(VirtioScmi.EVENTQ));

        int head = eventq.add(List.of(), 136);
        kick(eventq, VirtioScmi.EVENTQ);
        UsedBuffer used = eventq.poll();
        assertEquals(head, used.id());
        assertEquals(12, used.length());
        assertArrayEquals(words(0x00845205, 0, 3), used.written());
        assertEquals(1, transport.interrupts.get(VirtioScmi.EVENTQ));
    }

    /**
     * A handler that finishes at once sends its delayed response while its command is still being
     * answered: the guest must see the response first (Linux rejects it after the delayed one).
     */
    @Test
    void delayedResponseSentByTheHandlerFollowsItsCommandsResponse() {
        int command = header(SENSOR_PROTOCOL, 0x6, 0x22);
        int delayed = ScmiHeader.delayedResponseFor(command);
        sensor.on(0x6, 0, (request, reply) -> assertTrue(agent().sendEvent(delayed, words(0, 7))));
        backend.addProtocol(sensor, Map.of(ScmiProtocol.PROTOCOL_ID, SENSOR_PROTOCOL));
        connect(RING_FEATURES | P2A);
        int eventBuffer = eventq.add(List.of(), 136);
        kick(eventq, VirtioScmi.EVENTQ);
        assertTrue(transport.interrupted.isEmpty(), "nothing to tell the guest yet");

        UsedBuffer response = command(words(command), 128);
        assertArrayEquals(words(command, 0), response.written());
        assertEquals(List.of(VirtioScmi.CMDQ, VirtioScmi.EVENTQ), transport.interrupted,
                "the command's response is signalled before its delayed response");
        UsedBuffer event = eventq.poll();
        assertEquals(eventBuffer, event.id());
        assertArrayEquals(words(delayed, 0, 7), event.written());
    }

    @Test
    void eventsGoStraightIntoPostedBuffers() {
        connect(RING_FEATURES | P2A);
        for (int i = 0; i < 3; i++) {
            eventq.add(List.of(), 136);
        }
        kick(eventq, VirtioScmi.EVENTQ);
        int notification = ScmiHeader.notification(SENSOR_PROTOCOL, 0).encode();
        assertTrue(agent().sendEvent(notification, words(7, 1, 2)));
        UsedBuffer used = eventq.poll();
        assertEquals(16, used.length());
        assertArrayEquals(words(notification, 7, 1, 2), used.written());
        assertNull(eventq.poll(), "one buffer per event");
        assertEquals(1, transport.interrupts.get(VirtioScmi.EVENTQ));
    }

    @Test
    void eventLargerThanTheBufferIsOmittedAndTheBufferKept() {
        connect(RING_FEATURES | P2A);
        int head = eventq.add(List.of(), 12);
        kick(eventq, VirtioScmi.EVENTQ);
        int notification = ScmiHeader.notification(SENSOR_PROTOCOL, 1).encode();
        assertTrue(agent().sendEvent(notification, words(1, 2, 3)));
        assertNull(eventq.poll(), "16 bytes do not fit 12");
        assertTrue(agent().sendEvent(notification, words(4, 5)));
        UsedBuffer used = eventq.poll();
        assertEquals(head, used.id());
        assertEquals(12, used.length());
        assertArrayEquals(words(notification, 4, 5), used.written());
    }

    @Test
    void notificationsAreBoundedDelayedResponsesAreNot() {
        connect(RING_FEATURES | P2A);
        int delayed = ScmiHeader.delayedResponseFor(header(0x14, 0x5, 1));
        assertTrue(agent().sendEvent(delayed, words(0)));
        for (int i = 0; i < 4; i++) {
            assertTrue(agent().sendEvent(ScmiHeader.notification(SENSOR_PROTOCOL, 0).encode(), words(i)));
        }
        for (int i = 0; i < 8; i++) {
            eventq.add(List.of(), 136);
        }
        kick(eventq, VirtioScmi.EVENTQ);
        assertArrayEquals(words(delayed, 0), eventq.poll().written());
        assertEquals(0x5700, ScmiHeader.notification(SENSOR_PROTOCOL, 0).encode());
        assertArrayEquals(words(0x5700, 2), eventq.poll().written(), "limit 2: the oldest were dropped");
        assertArrayEquals(words(0x5700, 3), eventq.poll().written());
        assertNull(eventq.poll());
    }

    @Test
    void eventsFromOtherThreads() throws Exception {
        connect(RING_FEATURES | P2A);
        for (int i = 0; i < 8; i++) {
            eventq.add(List.of(), 136);
        }
        kick(eventq, VirtioScmi.EVENTQ);
        Thread[] senders = new Thread[4];
        for (int t = 0; t < senders.length; t++) {
            int token = t;
            senders[t] = Thread.ofPlatform().start(() ->
                    agent().sendEvent(ScmiHeader.delayedResponseFor(header(0x14, 0x5, token)), words(0, token)));
        }
        for (Thread sender : senders) {
            sender.join();
        }
        int seen = 0;
        for (UsedBuffer used; (used = eventq.poll()) != null;) {
            assertEquals(12, used.length());
            seen |= 1 << WireWords.get(used.written(), 8);
        }
        assertEquals(0b1111, seen);
    }

    @Test
    void agentIdsAreStablePerGuest() {
        session = backend.open(new GuestIdentity("test:guest0", "guest0"), transport);
        VirtioDeviceSession second = backend.open(new GuestIdentity("test:guest1", "guest1"), transport);
        assertEquals(List.of(1, 2), agents.agents().stream().map(Agent::id).toList());
        assertEquals("guest1", agents.agent(2).orElseThrow().name());
        session.close();
        session = backend.open(new GuestIdentity("test:guest0", "guest0-renamed"), transport);
        assertEquals(2, agents.agents().size());
        assertEquals("guest0-renamed", agents.agent(1).orElseThrow().name());
        second.close();
        assertFalse(agents.agent(2).orElseThrow().sendEvent(ScmiHeader.notification(0x15, 0).encode(), words(1)));
        assertTrue(agents.agent(3).isEmpty());
    }

    @Test
    void negotiatedVersionsAreForgottenOnReconnect() {
        backend.addProtocol(sensor, Map.of(ScmiProtocol.PROTOCOL_ID, SENSOR_PROTOCOL));
        FakeProtocol clock = new FakeProtocol(0x14, 0x30000, 0x10000);
        backend.addProtocol(clock, Map.of(ScmiProtocol.PROTOCOL_ID, 0x14));
        connect(RING_FEATURES);
        assertArrayEquals(words(header(0x14, 0x10, 0), 0),
                command(words(header(0x14, 0x10, 0), 0x20000), 136).written());
        assertArrayEquals(words(header(0x14, 0, 1), 0, 0x20000), command(words(header(0x14, 0, 1)), 12).written());
        session.close();
        connect(RING_FEATURES);
        assertArrayEquals(words(header(0x14, 0, 2), 0, 0x30000), command(words(header(0x14, 0, 2)), 12).written());
    }

    @Test
    void wrapOfTheRingIndices() {
        session = backend.open(new GuestIdentity("test:guest0", "guest0"), transport);
        session.setFeatures(RING_FEATURES);
        cmdq = new DriverSplitQueue(memory, 4, true, 64);
        cmdq.startAt(65534);
        session.startQueue(VirtioScmi.CMDQ, cmdq.setup());
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(words(header(BASE_PROTOCOL, 0, i), 0, 0x20001),
                    command(words(header(BASE_PROTOCOL, 0, i)), 12).written());
        }
        assertEquals(4, session.stopQueue(VirtioScmi.CMDQ));
    }

    @Test
    void observersSeeEveryAnsweredCommandOnlyWhileRegistered() {
        record Seen(int agentId, int header, byte[] parameters, ScmiStatus status, int replyLength, long nanos) {
        }
        List<Seen> seen = new CopyOnWriteArrayList<>();
        MessageObserver observer = (agent, header, parameters, status, replyLength, elapsedNanos) -> {
            byte[] copy = new byte[parameters.remaining()];
            parameters.get(copy);
            seen.add(new Seen(agent.id(), header, copy, status, replyLength, elapsedNanos));
        };
        connect(RING_FEATURES);
        command(words(header(BASE_PROTOCOL, 0, 0)), 12);
        backend.addObserver(observer);
        command(words(header(BASE_PROTOCOL, 0x3, 1)), 136);
        command(words(header(BASE_PROTOCOL, 0x9, 2), 5, 6), 136);
        backend.removeObserver(observer);
        command(words(header(BASE_PROTOCOL, 0, 3)), 12);

        assertEquals(2, seen.size(), "only the commands answered while the observer was registered");
        assertEquals(1, seen.get(0).agentId());
        assertEquals(header(BASE_PROTOCOL, 0x3, 1), seen.get(0).header());
        assertEquals(ScmiStatus.SUCCESS, seen.get(0).status());
        assertEquals(16, seen.get(0).replyLength());
        assertTrue(seen.get(0).nanos() > 0);
        assertArrayEquals(words(5, 6), seen.get(1).parameters());
        assertEquals(ScmiStatus.NOT_FOUND, seen.get(1).status());
        assertEquals(0, seen.get(1).replyLength());
    }

    @Test
    void guestSessionsCountCommandsAndDisconnectThroughTheTransport() {
        connect(RING_FEATURES | P2A);
        command(words(header(BASE_PROTOCOL, 0, 0)), 12);
        command(words(header(BASE_PROTOCOL, 0x9, 1)), 12);
        command(words(header(0x13, 0, 2)), 12);
        GuestSessions.GuestSession guest = agents.sessions().getFirst();
        assertEquals(new GuestSessions.GuestSession(1, "guest0", "test:guest0", true, RING_FEATURES | P2A, 3, 2, 0),
                guest);

        assertTrue(agents.disconnect(1));
        assertEquals(1, transport.disconnects.get());
        assertFalse(agents.disconnect(2), "no such guest");
        session.close();
        session = null;
        assertFalse(agents.disconnect(1), "no longer connected");
        GuestSessions.GuestSession gone = agents.sessions().getFirst();
        assertFalse(gone.connected());
        assertEquals(3, gone.requests(), "counters outlive the connection");
    }

    @Test
    void aCommandWaitsForItsProtocolDuringAnUpdate() throws Exception {
        FakeProtocol clock = new FakeProtocol(0x14, 0x30000);
        backend.addProtocol(clock, Map.of(ScmiProtocol.PROTOCOL_ID, 0x14));
        connect(RING_FEATURES);
        backend.removeProtocol(clock, Map.of());
        int head = cmdq.add(List.of(words(header(0x14, 0, 0))), 12);
        CompletableFuture<Void> kickThread = CompletableFuture.runAsync(() -> kick(cmdq, VirtioScmi.CMDQ));
        Thread.sleep(30);
        assertNull(cmdq.poll(), "not answered while the protocol is absent");
        FakeProtocol updated = new FakeProtocol(0x14, 0x30001);
        backend.addProtocol(updated, Map.of(ScmiProtocol.PROTOCOL_ID, 0x14));
        kickThread.get(1, TimeUnit.SECONDS);
        UsedBuffer used = cmdq.poll();
        assertEquals(head, used.id());
        assertArrayEquals(words(header(0x14, 0, 0), 0, 0x30001), used.written(), "the new version answers");
    }

    @Test
    void answeringAndObservingACommandAllocatesNothing() throws Exception {
        connect(RING_FEATURES);
        long[] parameterBytesSeen = new long[1];
        backend.addObserver((agent, header, parameters, status, replyLength, elapsedNanos) ->
                parameterBytesSeen[0] += parameters.remaining() + 1);
        int head = cmdq.add(List.of(words(header(BASE_PROTOCOL, 0, 0))), 12);
        long allocated = SteadyStateAllocation.of(() -> {
            kick(cmdq, VirtioScmi.CMDQ);
            cmdq.offer(head); // the same chain again, as raw ring writes: the guest side allocates nothing either
        });
        int commands = SteadyStateAllocation.WARM_UP + SteadyStateAllocation.MEASURED;
        assertTrue(allocated < SteadyStateAllocation.MEASURED, allocated + " bytes allocated for "
                + SteadyStateAllocation.MEASURED + " PROTOCOL_VERSION commands");
        assertEquals(commands, agents.sessions().getFirst().requests());
        assertEquals(commands, parameterBytesSeen[0], "an observer saw each command (no parameters)");
        assertArrayEquals(words(header(BASE_PROTOCOL, 0, 0), 0, 0x20001), cmdq.poll().written(),
                "the reply is in the guest's buffer");
    }

    /** An engine of its own name over the split-ring engine, counting the queues it opened. */
    private static final class NamedEngine implements VirtqueueFactory {
        private final String name;
        private final SplitQueueFactory split = new SplitQueueFactory();
        final List<RingPosition> opened = new CopyOnWriteArrayList<>();

        NamedEngine(String name) {
            this.name = name;
        }

        @Override
        public Virtqueue open(QueueSetup setup, long features, RingPosition position) throws VirtqueueException {
            opened.add(position);
            return split.open(setup, features, position);
        }

        @Override
        public String description() {
            return name;
        }
    }

    @Test
    void runningQueuesMoveToANewEngineBetweenChains() {
        NamedEngine first = new NamedEngine("first");
        NamedEngine second = new NamedEngine("second");
        backend.addEngine(first);
        connect(RING_FEATURES | P2A);
        assertEquals(Map.of("cmdq", "first", "eventq", "first"), agents.queueEngines(1));
        for (int i = 0; i < 5; i++) {
            command(words(header(BASE_PROTOCOL, 0, i)), 12);
        }
        eventq.add(List.of(), 64);
        kick(eventq, VirtioScmi.EVENTQ);
        int waiting = cmdq.add(List.of(words(header(BASE_PROTOCOL, 0, 5))), 12);
        cmdq.publish(); // available, its kick not delivered yet

        backend.addEngine(second); // as Declarative Services rebinds: the new one first, then the old one goes
        backend.removeEngine(first);
        assertEquals(Map.of("cmdq", "second", "eventq", "second"), agents.queueEngines(1));
        // the eventq had no event to send: it asked for no kicks, and the new engine does not either
        assertEquals(Set.of(new RingPosition(5, 5, 5, true), new RingPosition(0, 0, 0, false)),
                Set.copyOf(second.opened), "each queue taken over where it stood");

        session.queueNotified(VirtioScmi.CMDQ);
        UsedBuffer answered = cmdq.poll();
        assertEquals(waiting, answered.id());
        assertArrayEquals(words(header(BASE_PROTOCOL, 0, 5), 0, 0x20001), answered.written());
        assertNull(cmdq.poll(), "answered once");
        assertEquals(6, transport.interrupts.get(VirtioScmi.CMDQ), "one interrupt per command, none lost");
        assertTrue(agent().sendEvent(ScmiHeader.notification(BASE_PROTOCOL, 0x0).encode(), words(1)));
        assertArrayEquals(words(ScmiHeader.notification(BASE_PROTOCOL, 0x0).encode(), 1), eventq.poll().written(),
                "the event buffer posted before the move is used by the new engine");
        assertEquals(6, agents.sessions().getFirst().requests());
        assertTrue(transport.resetReasons.isEmpty());
    }

    @Test
    void aQueueStartingWithoutAnEngineWaitsForOneThenFails() throws Exception {
        connect(RING_FEATURES);
        VirtqueueFactory engine = new SplitQueueFactory();
        backend.removeEngine(SETUP_ENGINE);
        command(words(header(BASE_PROTOCOL, 0, 0)), 12); // a running queue keeps its engine
        DriverSplitQueue late = new DriverSplitQueue(memory, 8, true, 256);
        CompletableFuture<Void> start = CompletableFuture.runAsync(
                () -> session.startQueue(VirtioScmi.EVENTQ, late.setup()));
        Thread.sleep(30);
        backend.addEngine(engine);
        start.get(1, TimeUnit.SECONDS);
        assertEquals(engine.description(), agents.queueEngines(1).get("eventq"), "started once the engine came");
        assertTrue(transport.resetReasons.isEmpty());

        backend.removeEngine(engine);
        session.startQueue(VirtioScmi.EVENTQ, late.setup()); // waits the 100 ms grace period
        assertEquals(List.of("eventq: no virtqueue engine is registered (is the virtio.ring bundle active?)"),
                transport.resetReasons);
        assertEquals(12, command(words(header(BASE_PROTOCOL, 0, 1)), 12).length(), "the cmdq still serves");
    }
}
