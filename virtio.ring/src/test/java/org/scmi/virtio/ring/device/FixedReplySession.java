package org.scmi.virtio.ring.device;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.VirtqueueException;
import org.scmi.virtio.ring.VirtqueueFactory;

/**
 * One guest of a {@link FixedReplyDevice}; records what the transport asked of it. The command
 * queue is drained as the server's command queue drains it (notifications off while draining, one
 * interrupt decision per pass, notifications on and a re-check), on the transport's kick thread;
 * the event queue holds the guest's buffers until {@link #sendEvent}. A broken ring or buffer
 * stops the queue and reports the device as needing a reset.
 */
public final class FixedReplySession implements VirtioDeviceSession {
    public static final int COMMAND_QUEUE = 0;
    public static final int EVENT_QUEUE = 1;

    private final GuestIdentity guest;
    private final GuestTransport transport;
    private final long offered;
    private final Responder responder;
    private final VirtqueueFactory engine;
    private final Virtqueue[] queues = new Virtqueue[FixedReplyDevice.QUEUE_COUNT];
    private final QueueSetup[] setups = new QueueSetup[FixedReplyDevice.QUEUE_COUNT];
    private final List<String> calls = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private long features;

    FixedReplySession(GuestIdentity guest, GuestTransport transport, long offered, Responder responder,
            VirtqueueFactory engine) {
        this.engine = engine;
        this.guest = guest;
        this.transport = transport;
        this.offered = offered;
        this.responder = responder;
    }

    @Override
    public synchronized void setFeatures(long accepted) {
        if ((accepted & ~offered) != 0) {
            throw new IllegalArgumentException("features not offered");
        }
        features = accepted;
        calls.add(String.format("features 0x%x", accepted));
    }

    @Override
    public synchronized void startQueue(int queueIndex, QueueSetup setup) {
        try {
            queues[queueIndex] = engine.open(setup, features);
            setups[queueIndex] = setup;
            calls.add("start " + queueIndex + " at " + setup.nextAvailIndex());
        } catch (VirtqueueException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public synchronized int stopQueue(int queueIndex) {
        Virtqueue queue = queues[queueIndex];
        queues[queueIndex] = null;
        int next = queue == null ? 0 : queue.nextAvailIndex();
        calls.add("stop " + queueIndex + " at " + next);
        return next;
    }

    @Override
    public synchronized void queueNotified(int queueIndex) {
        Virtqueue queue = queues[queueIndex];
        if (queue == null || queueIndex != COMMAND_QUEUE) {
            return;
        }
        try {
            do {
                queue.disableNotifications();
                for (DescriptorChain chain; (chain = queue.next()) != null; ) {
                    queue.addUsed(chain, responder.respond(chain));
                }
                if (queue.needsInterrupt()) {
                    transport.notifyGuest(queueIndex);
                }
            } while (queue.enableNotifications());
        } catch (VirtqueueException e) {
            queues[queueIndex] = null;
            transport.deviceNeedsReset("queue " + queueIndex + ": " + e.getMessage());
        }
    }

    /** Delivers an event into the next buffer the guest posted; false if it posted none. */
    public synchronized boolean sendEvent(byte[] event) throws VirtqueueException {
        Virtqueue queue = queues[EVENT_QUEUE];
        DescriptorChain chain = queue == null ? null : queue.next();
        if (chain == null) {
            return false;
        }
        int length = (int) Math.min(event.length, chain.writableLength());
        chain.write(0, event, 0, length);
        queue.addUsed(chain, length);
        if (queue.needsInterrupt()) {
            transport.notifyGuest(EVENT_QUEUE);
        }
        return true;
    }

    @Override
    public synchronized void reset() {
        stopAll();
        calls.add("reset");
    }

    @Override
    public void close() {
        synchronized (this) {
            stopAll();
            calls.add("close");
        }
        closed.countDown();
    }

    private void stopAll() {
        queues[COMMAND_QUEUE] = null;
        queues[EVENT_QUEUE] = null;
        features = 0;
    }

    public GuestIdentity guest() {
        return guest;
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** How often the transport reset this session. */
    public synchronized long resets() {
        return calls.stream().filter("reset"::equals).count();
    }

    public synchronized QueueSetup setup(int queueIndex) {
        return setups[queueIndex];
    }

    public synchronized long features() {
        return features;
    }

    /** Whether the transport closed this session. */
    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    public boolean awaitClosed() throws InterruptedException {
        return closed.await(5, TimeUnit.SECONDS);
    }
}
