package org.scmi.core;

import java.nio.ByteBuffer;
import org.scmi.api.MessageObserver;
import org.scmi.api.ScmiStatus;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.VirtqueueException;

/**
 * One guest's cmdq: takes each command chain, dispatches the command, writes the response (the
 * command's header word unchanged, the status, then the return values on SUCCESS) into the chain's
 * writable part and returns the chain with exactly the bytes written as its used length.
 *
 * <p>Runs on the thread that calls {@link #process()} (the transport's kick thread) and never
 * waits for anything but the commands' handlers, and for a protocol that is being replaced (up to
 * the dispatcher's grace period). The monitor serializes processing with starting and stopping
 * (see {@link ServedQueue}).
 *
 * <p>Every answered command is counted on the agent and, while any {@link MessageObserver} is
 * registered, shown to the observers after its response is written.
 */
final class CommandQueue extends ServedQueue {
    private final SessionAgent agent;
    private final ScmiDispatcher dispatcher;
    private final GuestTransport transport;
    private final GuestFaults faults;
    private final MessageObservers observers;
    private final DescriptorChain chain = new DescriptorChain();
    /** The command as read from the guest: header and parameters. */
    private final byte[] command = new byte[VirtioScmi.HEADER_SIZE + VirtioScmi.MAX_PAYLOAD];
    private final byte[] responsePrefix = new byte[VirtioScmi.RESPONSE_PREFIX];

    CommandQueue(SessionAgent agent, ScmiDispatcher dispatcher, GuestTransport transport, GuestFaults faults,
            MessageObservers observers) {
        this.agent = agent;
        this.dispatcher = dispatcher;
        this.transport = transport;
        this.faults = faults;
        this.observers = observers;
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
        try {
            do {
                queue.disableNotifications();
                while (queue.next(chain)) {
                    serve();
                }
                if (queue.needsInterrupt()) {
                    transport.notifyGuest(VirtioScmi.CMDQ);
                }
            } while (queue.enableNotifications());
        } catch (VirtqueueException e) {
            stop();
            faults.queueBroken(VirtioScmi.CMDQ, e.getMessage());
        }
    }

    private void serve() throws VirtqueueException {
        long readable = chain.readableLength();
        long writable = chain.writableLength();
        if (writable < VirtioScmi.RESPONSE_PREFIX || readable < VirtioScmi.HEADER_SIZE) {
            faults.chainRejected(VirtioScmi.CMDQ, "chain " + chain.head() + " with " + readable + " readable and "
                    + writable + " writable bytes cannot hold a command and its response; returned unanswered");
            queue.addUsed(chain.head(), 0);
            return;
        }
        MessageObserver[] watching = observers.current();
        long started = watching.length == 0 ? 0 : System.nanoTime();
        int length = (int) Math.min(readable, command.length);
        chain.read(0, command, 0, length);
        int header = WireWords.get(command, 0);
        ByteBuffer parameters = ByteBuffer.wrap(command, VirtioScmi.HEADER_SIZE, length - VirtioScmi.HEADER_SIZE)
                .slice().asReadOnlyBuffer();
        int capacity = (int) Math.min(writable - VirtioScmi.RESPONSE_PREFIX, VirtioScmi.MAX_PAYLOAD);
        ScmiDispatcher.Answer answer = readable > command.length
                ? ScmiDispatcher.Answer.failed(ScmiStatus.PROTOCOL_ERROR) // longer than any SCMI message
                : dispatcher.dispatch(agent, header, parameters, capacity);
        WireWords.put(responsePrefix, 0, header);
        WireWords.put(responsePrefix, VirtioScmi.HEADER_SIZE, answer.status());
        chain.write(0, responsePrefix, 0, VirtioScmi.RESPONSE_PREFIX);
        long answered = watching.length == 0 ? 0 : System.nanoTime();
        int values = answer.succeeded() ? answer.reply().length() : 0;
        if (values > 0) {
            chain.write(VirtioScmi.RESPONSE_PREFIX, answer.reply().toByteArray(), 0, values);
        }
        queue.addUsed(chain.head(), VirtioScmi.RESPONSE_PREFIX + values);
        agent.answered(answer.succeeded());
        if (watching.length > 0) {
            observers.answered(watching, agent, header, parameters, answer.status(), values, answered - started);
        }
    }
}
