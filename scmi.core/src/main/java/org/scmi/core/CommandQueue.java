package org.scmi.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.scmi.api.MessageObserver;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiStatus;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.VirtqueueException;

/**
 * One guest's cmdq: takes each command chain, dispatches the command, writes the response (the
 * command's header word unchanged, the status, then the return values on SUCCESS) into the chain's
 * writable part and returns the chain with exactly the bytes written as its used length.
 *
 * <p>Nothing is copied or allocated per command when the guest sends its request in one buffer and
 * posts one buffer for the response, as Linux does: the protocol reads the parameters where the
 * guest wrote them and writes its return values straight into the guest's response buffer, through
 * one {@link Payload} and one {@link Reply} this queue keeps, each bounded by its buffer. A request
 * or a response spread over several buffers goes through this queue's own buffers and is copied.
 *
 * <p>The guest's events wait while the cmdq is being answered, until its responses are in the used
 * ring and the guest was interrupted for them (see {@link EventQueue}).
 *
 * <p>Runs on the thread that calls {@link #process()} (the transport's kick thread) and never
 * waits for anything but the commands' handlers, and for a protocol that is being replaced (up to
 * the dispatcher's grace period). The monitor serializes processing with starting, stopping and
 * moving the queue to another engine (see {@link ServedQueue}).
 *
 * <p>Every answered command is counted on the agent and, while any {@link MessageObserver} is
 * registered, shown to the observers after its response is written, with a copy of its parameters
 * taken before it ran. What the command changed in the agent state is made durable
 * ({@link AgentStates#persistOwnChanges()}) before the answer is returned.
 */
final class CommandQueue extends ServedQueue {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ScmiDispatcher dispatcher;
    private final AgentStates states;
    private final GuestTransport transport;
    private final GuestFaults faults;
    private final MessageObservers observers;
    private final EventQueue events;
    /** A command spread over several buffers, copied: header and parameters. */
    private final byte[] command = new byte[VirtioScmi.HEADER_SIZE + VirtioScmi.MAX_PAYLOAD];
    private final MemorySegment commandBytes = MemorySegment.ofArray(command);
    /** A response for several buffers, before it is copied into them: header, status, return values. */
    private final byte[] response = new byte[VirtioScmi.RESPONSE_PREFIX + VirtioScmi.MAX_PAYLOAD];
    private final MemorySegment responseBytes = MemorySegment.ofArray(response);
    /** The parameters as observers see them: a copy, so that what the guest does next cannot change it. */
    private final byte[] observed = new byte[VirtioScmi.MAX_PAYLOAD];
    private final ByteBuffer observedParameters = ByteBuffer.wrap(observed).asReadOnlyBuffer();
    private final Payload parameters = Payload.of(new byte[0]);
    private final Reply reply = new Reply(0);

    CommandQueue(GuestAgent agent, ScmiDispatcher dispatcher, AgentStates states, GuestTransport transport,
            GuestFaults faults, MessageObservers observers, EventQueue events, VirtqueueEngines engines) {
        super(agent, VirtioScmi.CMDQ, engines);
        this.dispatcher = dispatcher;
        this.states = states;
        this.transport = transport;
        this.faults = faults;
        this.observers = observers;
        this.events = events;
    }

    /** The guest kicked the cmdq. */
    synchronized void process() {
        serveAvailable();
    }

    /**
     * Answers every available command: the virtio drain loop, with notifications off while
     * draining and a re-check after turning them on, so no command is missed and none waits for a
     * kick that will not come.
     */
    @Override
    void serveAvailable() {
        if (queue == null) {
            return;
        }
        events.hold();
        try {
            do {
                queue.disableNotifications();
                for (DescriptorChain chain; (chain = queue.next()) != null; ) {
                    serve(chain);
                }
                if (queue.needsInterrupt()) {
                    transport.notifyGuest(VirtioScmi.CMDQ);
                }
            } while (queue.enableNotifications());
        } catch (VirtqueueException e) {
            stop();
            faults.queueBroken(VirtioScmi.CMDQ, e.getMessage());
        } finally {
            events.release();
        }
    }

    private void serve(DescriptorChain chain) throws VirtqueueException {
        long readable = chain.readableLength();
        long writable = chain.writableLength();
        if (writable < VirtioScmi.RESPONSE_PREFIX || readable < VirtioScmi.HEADER_SIZE) {
            faults.chainRejected(VirtioScmi.CMDQ, "chain " + chain.head() + " with " + readable + " readable and "
                    + writable + " writable bytes cannot hold a command and its response; returned unanswered");
            queue.addUsed(chain, 0);
            return;
        }
        MessageObserver[] watching = observers.current();
        long started = watching.length == 0 ? 0 : System.nanoTime();
        int header = readCommand(chain, readable);
        if (watching.length > 0) {
            parameters.copyTo(observed);
            observedParameters.clear().limit(parameters.length());
        }
        int capacity = (int) Math.min(writable - VirtioScmi.RESPONSE_PREFIX, VirtioScmi.MAX_PAYLOAD);
        int responseBuffer = chain.readableCount();
        boolean inPlace = chain.writableCount() == 1;
        if (inPlace) {
            reply.reset(chain.segment(responseBuffer), chain.offset(responseBuffer) + VirtioScmi.RESPONSE_PREFIX,
                    capacity);
        } else {
            reply.reset(responseBytes, VirtioScmi.RESPONSE_PREFIX, capacity);
        }
        int status = readable > VirtioScmi.HEADER_SIZE + VirtioScmi.MAX_PAYLOAD
                ? ScmiStatus.PROTOCOL_ERROR.code() // longer than any SCMI message
                : dispatcher.dispatch(agent, header, parameters, reply);
        boolean succeeded = status == ScmiStatus.SUCCESS.code();
        int values = succeeded ? reply.length() : 0;
        if (inPlace) {
            MemorySegment buffer = chain.segment(responseBuffer);
            long at = chain.offset(responseBuffer);
            buffer.set(U32, at, header);
            buffer.set(U32, at + VirtioScmi.HEADER_SIZE, status);
        } else {
            WireWords.put(response, 0, header);
            WireWords.put(response, VirtioScmi.HEADER_SIZE, status);
            chain.write(0, response, 0, VirtioScmi.RESPONSE_PREFIX + values);
        }
        long answered = watching.length == 0 ? 0 : System.nanoTime();
        states.persistOwnChanges();
        queue.addUsed(chain, VirtioScmi.RESPONSE_PREFIX + values);
        agent.answered(succeeded);
        if (watching.length > 0) {
            observers.answered(watching, agent, header, observedParameters, status, values, answered - started);
        }
    }

    /**
     * Points {@link #parameters} at the command's parameters, where the guest wrote them if they
     * are in one buffer, else at a copy (of at most the largest command), and returns its header.
     */
    private int readCommand(DescriptorChain chain, long readable) {
        int length = (int) Math.min(readable, command.length);
        if (chain.readableCount() == 1) {
            MemorySegment buffer = chain.segment(0);
            long at = chain.offset(0);
            parameters.reset(buffer, at + VirtioScmi.HEADER_SIZE, length - VirtioScmi.HEADER_SIZE);
            return buffer.get(U32, at);
        }
        chain.read(0, command, 0, length);
        parameters.reset(commandBytes, VirtioScmi.HEADER_SIZE, length - VirtioScmi.HEADER_SIZE);
        return WireWords.get(command, 0);
    }
}
