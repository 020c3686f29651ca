package org.scmi.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.VirtqueueException;
import org.scmi.virtio.ring.VirtqueueFactory;

/**
 * One guest's virtio-scmi device: its cmdq, its eventq and the agent it speaks for.
 *
 * <p>Threads: the transport's kick thread calls {@link #queueNotified}; cmdq commands are
 * dispatched and answered inline on it (see {@link CommandQueue}), so a protocol that needs long
 * answers with a delayed response rather than blocking. Eventq delivery happens under the event
 * queue's lock on whichever thread sends an event or kicks the eventq (see {@link EventQueue}).
 * The transport's control thread calls the other methods; starting and stopping a queue
 * synchronizes with its processing, and so does moving it to a new virtqueue engine, which runs on
 * the thread that registered the engine (see {@link ServedQueue#moveTo}). Nothing polls: work
 * starts from a kick or an event.
 */
final class ScmiDeviceSession implements VirtioDeviceSession {
    private final GuestAgent agent;
    private final GuestTransport transport;
    private final ScmiDispatcher dispatcher;
    private final long supportedFeatures;
    private final GuestFaults faults;
    private final CommandQueue commands;
    private final EventQueue events;
    private volatile long features;
    private volatile boolean closed;

    ScmiDeviceSession(GuestAgent agent, GuestTransport transport, ScmiDispatcher dispatcher, AgentStates states,
            long supportedFeatures, IntSupplier notificationLimit, MessageObservers observers,
            VirtqueueEngines engines) {
        this.agent = agent;
        this.transport = transport;
        this.dispatcher = dispatcher;
        this.supportedFeatures = supportedFeatures;
        this.faults = new GuestFaults(agent, transport);
        this.events = new EventQueue(agent, transport, faults, notificationLimit, engines);
        this.commands = new CommandQueue(agent, dispatcher, states, transport, faults, observers, events, engines);
        dispatcher.resetAgent(agent.id()); // a new connection starts with the protocols' own versions
    }

    /** Whether the guest negotiated the platform-to-agent channel (and is still here). */
    boolean hasEventChannel() {
        return !closed && VirtioFeatures.has(features, VirtioScmi.F_P2A_CHANNELS);
    }

    /** The feature bits the guest accepted (0 before it did). */
    long features() {
        return features;
    }

    /** Events waiting for the guest's eventq buffers. */
    int pendingEvents() {
        return events.pendingCount();
    }

    /** Ends the guest's connection through its transport, which then closes this session. */
    void disconnect() {
        transport.disconnect();
    }

    /** Queues an event for the guest; false if it has no event channel. */
    boolean sendEvent(int header, byte[] payload) {
        if (!hasEventChannel()) {
            return false;
        }
        events.send(header, payload);
        return true;
    }

    @Override
    public void setFeatures(long accepted) {
        long unknown = accepted & ~supportedFeatures;
        if (unknown != 0) {
            throw new IllegalArgumentException("feature bits 0x" + Long.toHexString(unknown) + " were not offered");
        }
        if (!VirtioFeatures.has(accepted, VirtioFeatures.VERSION_1)) {
            throw new IllegalArgumentException("VIRTIO_F_VERSION_1 is required");
        }
        features = accepted;
    }

    @Override
    public void startQueue(int queueIndex, QueueSetup setup) {
        checkQueue(queueIndex);
        try {
            served(queueIndex).start(setup, features);
        } catch (VirtqueueException e) {
            faults.queueBroken(queueIndex, e.getMessage());
        }
    }

    private ServedQueue served(int queueIndex) {
        return queueIndex == VirtioScmi.CMDQ ? commands : events;
    }

    /** The engine serving each running queue, by queue name. */
    Map<String, String> queueEngines() {
        Map<String, String> engines = new LinkedHashMap<>();
        for (int queueIndex : new int[] {VirtioScmi.CMDQ, VirtioScmi.EVENTQ}) {
            VirtqueueFactory engine = served(queueIndex).engine();
            if (engine != null) {
                engines.put(VirtioScmi.queueName(queueIndex), engine.description());
            }
        }
        return engines;
    }

    @Override
    public int stopQueue(int queueIndex) {
        checkQueue(queueIndex);
        return served(queueIndex).stop();
    }

    @Override
    public void queueNotified(int queueIndex) {
        checkQueue(queueIndex);
        if (queueIndex == VirtioScmi.CMDQ) {
            commands.process();
        } else {
            events.notified();
        }
    }

    private static void checkQueue(int queueIndex) {
        if (queueIndex != VirtioScmi.CMDQ && queueIndex != VirtioScmi.EVENTQ) {
            throw new IllegalArgumentException("virtio-scmi has no queue " + queueIndex);
        }
    }

    @Override
    public void reset() {
        commands.stop();
        events.stop();
        events.clear();
        features = 0;
        dispatcher.resetAgent(agent.id());
    }

    @Override
    public void close() {
        closed = true;
        reset();
        agent.detach(this);
    }
}
