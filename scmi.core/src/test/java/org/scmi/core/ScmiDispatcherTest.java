package org.scmi.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.scmi.api.MessageHandler;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.ScmiStatus;

/** Every status rule of the dispatcher, with protocols defined by the tests. */
class ScmiDispatcherTest {
    private static final int PROTOCOL = 0x14;
    private static final int VERSION = 0x30000;
    /** Short, so that the tests of waiting take little time; long enough to tell a wait from none. */
    private static final Duration GRACE = Duration.ofMillis(300);
    private final ScmiDispatcher dispatcher = new ScmiDispatcher(GRACE);
    private final TestAgent agent = new TestAgent(1, "guest0");
    private final TestAgent otherAgent = new TestAgent(2, "guest1");
    private Reply reply;

    private static byte[] words(int... values) {
        byte[] bytes = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            WireWords.put(bytes, i * 4, values[i]);
        }
        return bytes;
    }

    private int send(TestAgent from, int header, byte[] parameters, int capacity) {
        reply = new Reply(capacity);
        return dispatcher.dispatch(from, header, Payload.of(parameters), reply);
    }

    private int send(int messageId, byte[] parameters) {
        return send(agent, ScmiHeader.command(PROTOCOL, messageId, 7).encode(), parameters, 128);
    }

    private FakeProtocol registered(FakeProtocol protocol) {
        dispatcher.addProtocol(protocol.protocolId(), protocol);
        return protocol;
    }

    @Test
    void unknownProtocolIsNotSupported() {
        assertEquals(ScmiStatus.NOT_SUPPORTED.code(), send(0, new byte[0]));
        assertEquals(0, reply.length());
    }

    @Test
    void unknownMessageIsNotFound() {
        registered(new FakeProtocol(PROTOCOL, VERSION));
        assertEquals(ScmiStatus.NOT_FOUND.code(), send(0x3, new byte[0]));
    }

    @Test
    void wrongParameterLengthIsAProtocolErrorWithoutCallingTheHandler() {
        FakeProtocol protocol = registered(new FakeProtocol(PROTOCOL, VERSION).on(0x3, 4, (r, out) -> out.u32(1)));
        assertEquals(ScmiStatus.PROTOCOL_ERROR.code(), send(0x3, new byte[0]));
        assertEquals(ScmiStatus.PROTOCOL_ERROR.code(), send(0x3, new byte[8]));
        assertEquals(ScmiStatus.PROTOCOL_ERROR.code(), send(0x3, new byte[3]));
        assertEquals(0, protocol.handled);
        assertEquals(ScmiStatus.SUCCESS.code(), send(0x3, words(5)));
        assertEquals(1, protocol.handled);
    }

    @Test
    void variableLengthHandlersSeeWhatWasSent() {
        FakeProtocol protocol = registered(new FakeProtocol(PROTOCOL, VERSION)
                .on(0x3, MessageHandler.VARIABLE_LENGTH, (r, out) -> out.u32(r.parameters().length())));
        assertEquals(ScmiStatus.SUCCESS.code(), send(0x3, new byte[12]));
        assertArrayEquals(words(12), reply.toByteArray());
        assertEquals(1, protocol.handled);
    }

    @Test
    void aCommandWithAnotherMessageTypeIsAProtocolError() {
        FakeProtocol protocol = registered(new FakeProtocol(PROTOCOL, VERSION).on(0x3, 0, (r, out) -> { }));
        for (int type = 1; type <= 3; type++) {
            int header = new ScmiHeader(0x3, type, PROTOCOL, 1).encode();
            assertEquals(ScmiStatus.PROTOCOL_ERROR.code(), send(agent, header, new byte[0], 128), "type " + type);
        }
        assertEquals(0, protocol.handled);
    }

    @Test
    void handlerStatusIsReturnedAlone() {
        registered(new FakeProtocol(PROTOCOL, VERSION).on(0x3, 0, (r, out) -> {
            out.u32(99);
            throw new ScmiException(ScmiStatus.DENIED, "not for this agent");
        }));
        assertEquals(ScmiStatus.DENIED.code(), send(0x3, new byte[0]));
    }

    @Test
    void aFailingHandlerIsAGenericErrorAndTheNextCommandIsServed() {
        registered(new FakeProtocol(PROTOCOL, VERSION)
                .on(0x3, 0, (r, out) -> { throw new IllegalStateException("driver bug (expected by the test)"); })
                .on(0x4, 0, (r, out) -> { throw new NoClassDefFoundError("bundle refreshed (expected by the test)"); })
                .on(0x5, 0, (r, out) -> out.u32(5)));
        assertEquals(ScmiStatus.GENERIC_ERROR.code(), send(0x3, new byte[0]));
        assertEquals(ScmiStatus.GENERIC_ERROR.code(), send(0x4, new byte[0]));
        assertEquals(ScmiStatus.SUCCESS.code(), send(0x5, new byte[0]));
        assertArrayEquals(words(5), reply.toByteArray());
    }

    @Test
    void aReplyBeyondTheBufferIsACommsError() {
        registered(new FakeProtocol(PROTOCOL, VERSION).on(0x3, 0, (r, out) -> out.u32(1).u32(2).u32(3)));
        assertEquals(ScmiStatus.COMMS_ERROR.code(), send(agent, ScmiHeader.command(PROTOCOL, 3, 0).encode(),
                new byte[0], 8));
        assertEquals(ScmiStatus.SUCCESS.code(), send(agent, ScmiHeader.command(PROTOCOL, 3, 0).encode(),
                new byte[0], 12));
    }

    @Test
    void handlerSeesTheRequestAsSent() {
        FakeProtocol protocol = registered(new FakeProtocol(PROTOCOL, VERSION).on(0x3, 4, (r, out) -> { }));
        int header = ScmiHeader.command(PROTOCOL, 0x3, 0x2A).encode() | 0xF000_0000;
        assertEquals(ScmiStatus.SUCCESS.code(), send(agent, header, words(0x1234), 128));
        assertSame(agent, protocol.lastRequest.agent());
        assertEquals(header, protocol.lastRequest.header());
        assertEquals(VERSION, protocol.lastRequest.version());
        assertEquals(4, protocol.lastRequest.parameters().length());
    }

    @Test
    void protocolVersion() {
        registered(new FakeProtocol(PROTOCOL, VERSION));
        assertEquals(ScmiStatus.SUCCESS.code(), send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]));
        assertArrayEquals(words(VERSION), reply.toByteArray());
        assertEquals(ScmiStatus.PROTOCOL_ERROR.code(), send(ScmiProtocol.MSG_PROTOCOL_VERSION, words(0)));
    }

    @Test
    void protocolMessageAttributes() {
        registered(new FakeProtocol(PROTOCOL, VERSION).on(0x1, 0, (r, out) -> { }).on(0x3, 4, (r, out) -> { })
                .attributes(0x3, 1));
        int pma = ScmiProtocol.MSG_PROTOCOL_MESSAGE_ATTRIBUTES;
        for (int implemented : new int[] {0x0, 0x1, 0x2}) {
            assertEquals(ScmiStatus.SUCCESS.code(), send(pma, words(implemented)), "message " + implemented);
            assertArrayEquals(words(0), reply.toByteArray());
        }
        assertEquals(ScmiStatus.SUCCESS.code(), send(pma, words(0x3)));
        assertArrayEquals(words(1), reply.toByteArray(), "the protocol's attributes");
        assertEquals(ScmiStatus.NOT_FOUND.code(), send(pma, words(0x4)));
        assertEquals(ScmiStatus.NOT_FOUND.code(), send(pma, words(0x10)), "no negotiation: one version only");
        assertEquals(ScmiStatus.NOT_FOUND.code(), send(pma, words(0x103)), "message ids are 8 bits");
        assertEquals(ScmiStatus.PROTOCOL_ERROR.code(), send(pma, new byte[0]));
        assertEquals(ScmiStatus.PROTOCOL_ERROR.code(), send(pma, words(1, 2)));
    }

    @Test
    void negotiationIsNotImplementedForASingleVersion() {
        registered(new FakeProtocol(PROTOCOL, VERSION));
        assertEquals(ScmiStatus.NOT_FOUND.code(), send(ScmiProtocol.MSG_NEGOTIATE_PROTOCOL_VERSION, words(VERSION)));
    }

    @Test
    void negotiatedVersionIsPerAgentAndForgottenOnReset() {
        FakeProtocol protocol = registered(new FakeProtocol(PROTOCOL, 0x30000, 0x10000).on(0x3, 0, (r, out) -> { }));
        int negotiate = ScmiProtocol.MSG_NEGOTIATE_PROTOCOL_VERSION;
        assertEquals(ScmiStatus.SUCCESS.code(), send(ScmiProtocol.MSG_PROTOCOL_MESSAGE_ATTRIBUTES, words(negotiate)));
        assertEquals(ScmiStatus.NOT_SUPPORTED.code(), send(negotiate, words(0x30001)));
        assertEquals(ScmiStatus.NOT_SUPPORTED.code(), send(negotiate, words(0x0FFFF)));
        assertEquals(ScmiStatus.PROTOCOL_ERROR.code(), send(negotiate, new byte[0]));
        assertEquals(ScmiStatus.SUCCESS.code(), send(negotiate, words(0x20000)));
        assertEquals(0, reply.length(), "status only");

        assertEquals(ScmiStatus.SUCCESS.code(), send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]));
        assertArrayEquals(words(0x20000), reply.toByteArray());
        send(0x3, new byte[0]);
        assertEquals(0x20000, protocol.lastRequest.version());

        int versionHeader = ScmiHeader.command(PROTOCOL, ScmiProtocol.MSG_PROTOCOL_VERSION, 0).encode();
        assertEquals(ScmiStatus.SUCCESS.code(), send(otherAgent, versionHeader, new byte[0], 128));
        assertArrayEquals(words(0x30000), reply.toByteArray(), "the other agent did not negotiate");

        dispatcher.resetAgent(agent.id());
        send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]);
        assertArrayEquals(words(0x30000), reply.toByteArray());
    }

    @Test
    void aNegotiatedVersionTheReplacementProtocolLacksIsDropped() {
        FakeProtocol old = registered(new FakeProtocol(PROTOCOL, 0x30000, 0x10000));
        assertEquals(ScmiStatus.SUCCESS.code(), send(ScmiProtocol.MSG_NEGOTIATE_PROTOCOL_VERSION, words(0x10000)));
        dispatcher.removeProtocol(PROTOCOL, old);
        registered(new FakeProtocol(PROTOCOL, 0x30000, 0x20000));
        send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]);
        assertArrayEquals(words(0x30000), reply.toByteArray());
    }

    @Test
    void protocolsComeAndGo() {
        FakeProtocol first = new FakeProtocol(PROTOCOL, 0x10000);
        FakeProtocol second = new FakeProtocol(PROTOCOL, 0x20000);
        dispatcher.addProtocol(PROTOCOL, first);
        dispatcher.addProtocol(PROTOCOL, second);
        send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]);
        assertArrayEquals(words(0x10000), reply.toByteArray(), "the first bound serves");
        dispatcher.removeProtocol(PROTOCOL, first);
        send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]);
        assertArrayEquals(words(0x20000), reply.toByteArray());
        dispatcher.removeProtocol(PROTOCOL, second);
        assertEquals(ScmiStatus.NOT_SUPPORTED.code(), send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]));
    }

    @Test
    void aProtocolNeverRegisteredIsNotSupportedAtOnce() {
        long started = System.nanoTime();
        assertEquals(ScmiStatus.NOT_SUPPORTED.code(), send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]));
        assertTrue(elapsedMillis(started) < GRACE.toMillis() / 2, "no wait for a protocol that never existed");
    }

    @Test
    void anAbsentProtocolIsWaitedForUntilTheGracePeriodEnds() {
        FakeProtocol gone = registered(new FakeProtocol(PROTOCOL, VERSION));
        dispatcher.removeProtocol(PROTOCOL, gone);
        long started = System.nanoTime();
        assertEquals(ScmiStatus.NOT_SUPPORTED.code(), send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]));
        assertTrue(elapsedMillis(started) >= GRACE.toMillis(), "waited the grace period");
        assertEquals(0, reply.length());

        started = System.nanoTime();
        assertEquals(ScmiStatus.NOT_SUPPORTED.code(), send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]));
        assertTrue(elapsedMillis(started) < GRACE.toMillis() / 2, "gone for good: no second wait");
        dispatcher.addProtocol(PROTOCOL, gone);
        dispatcher.removeProtocol(PROTOCOL, gone);
        started = System.nanoTime();
        send(ScmiProtocol.MSG_PROTOCOL_VERSION, new byte[0]);
        assertTrue(elapsedMillis(started) >= GRACE.toMillis(), "back and gone again: waited for again");
    }

    @Test
    void aCommandForAnAbsentProtocolIsAnsweredByItsReplacement() throws Exception {
        FakeProtocol old = registered(new FakeProtocol(PROTOCOL, VERSION).on(0x3, 4, (r, out) -> out.u32(1)));
        dispatcher.removeProtocol(PROTOCOL, old);
        FakeProtocol replacement = new FakeProtocol(PROTOCOL, VERSION + 1)
                .on(0x3, 4, (r, out) -> out.u32(r.parameters().u32() + 2));
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> send(0x3, words(40)));
        Thread.sleep(GRACE.toMillis() / 3);
        assertFalse(status.isDone(), "the command waits for the protocol");
        dispatcher.addProtocol(PROTOCOL, replacement);
        assertEquals(ScmiStatus.SUCCESS.code(), status.get(GRACE.toMillis(), TimeUnit.MILLISECONDS));
        assertArrayEquals(words(42), reply.toByteArray());
        assertEquals(0, old.handled);
        assertEquals(1, replacement.handled);
    }

    @Test
    void aCommandThatFailsBecauseItsProtocolLeftIsAnsweredOnceByTheReplacement() {
        FakeProtocol replacement = new FakeProtocol(PROTOCOL, VERSION).on(0x3, 4, (r, out) -> out.u32(7));
        FakeProtocol leaving = new FakeProtocol(PROTOCOL, VERSION);
        leaving.on(0x3, 4, (r, out) -> {
            out.u32(99); // a partial reply the agent must never see
            dispatcher.removeProtocol(PROTOCOL, leaving); // deactivated under the command
            CompletableFuture.runAsync(() -> dispatcher.addProtocol(PROTOCOL, replacement));
            throw new IllegalStateException("component deactivated (expected by the test)");
        });
        registered(leaving);
        assertEquals(ScmiStatus.SUCCESS.code(), send(0x3, words(1)));
        assertArrayEquals(words(7), reply.toByteArray(), "only the replacement's reply");
        assertEquals(1, leaving.handled);
        assertEquals(1, replacement.handled);
    }

    @Test
    void aCommandThatSucceededWhileItsProtocolLeftKeepsItsAnswer() {
        FakeProtocol replacement = new FakeProtocol(PROTOCOL, VERSION).on(0x3, 0, (r, out) -> out.u32(2));
        FakeProtocol leaving = new FakeProtocol(PROTOCOL, VERSION);
        leaving.on(0x3, 0, (r, out) -> {
            dispatcher.removeProtocol(PROTOCOL, leaving);
            dispatcher.addProtocol(PROTOCOL, replacement);
            out.u32(1);
        });
        registered(leaving);
        assertEquals(ScmiStatus.SUCCESS.code(), send(0x3, new byte[0]));
        assertArrayEquals(words(1), reply.toByteArray());
        assertEquals(0, replacement.handled, "answered once");
    }

    @Test
    void aFailureOfAProtocolThatStaysIsNotRetried() {
        FakeProtocol protocol = registered(new FakeProtocol(PROTOCOL, VERSION)
                .on(0x3, 0, (r, out) -> { throw new ScmiException(ScmiStatus.BUSY, "busy"); }));
        assertEquals(ScmiStatus.BUSY.code(), send(0x3, new byte[0]));
        assertEquals(1, protocol.handled);
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
