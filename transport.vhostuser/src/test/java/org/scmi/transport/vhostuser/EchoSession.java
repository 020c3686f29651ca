package org.scmi.transport.vhostuser;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.SplitQueue;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.VirtqueueException;

/** One guest of the {@link EchoDevice}; records what the transport asked of it. */
final class EchoSession implements VirtioDeviceSession {
    static final int COMMAND_QUEUE = 0;
    static final int EVENT_QUEUE = 1;

    final GuestIdentity guest;
    private final GuestTransport transport;
    private final Virtqueue[] queues = new Virtqueue[EchoDevice.QUEUE_COUNT];
    private final QueueSetup[] setups = new QueueSetup[EchoDevice.QUEUE_COUNT];
    private final DescriptorChain chain = new DescriptorChain();
    private final List<String> calls = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private long features = -1;

    EchoSession(GuestIdentity guest, GuestTransport transport) {
        this.guest = guest;
        this.transport = transport;
    }

    @Override
    public synchronized void setFeatures(long features) {
        if ((features & ~EchoDevice.FEATURES) != 0) {
            throw new IllegalArgumentException("features not offered");
        }
        this.features = features;
        calls.add(String.format("features 0x%x", features));
    }

    @Override
    public synchronized void startQueue(int queueIndex, QueueSetup setup) {
        try {
            queues[queueIndex] = new SplitQueue(setup, features);
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
                while (queue.next(chain)) {
                    byte[] request = new byte[(int) chain.readableLength()];
                    chain.read(0, request, 0, request.length);
                    int length = (int) Math.min(request.length, chain.writableLength());
                    chain.write(0, request, 0, length);
                    queue.addUsed(chain.head(), length);
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
    synchronized boolean sendEvent(byte[] event) throws VirtqueueException {
        Virtqueue queue = queues[EVENT_QUEUE];
        if (queue == null || !queue.next(chain)) {
            return false;
        }
        int length = (int) Math.min(event.length, chain.writableLength());
        chain.write(0, event, 0, length);
        queue.addUsed(chain.head(), length);
        if (queue.needsInterrupt()) {
            transport.notifyGuest(EVENT_QUEUE);
        }
        return true;
    }

    @Override
    public synchronized void reset() {
        queues[COMMAND_QUEUE] = null;
        queues[EVENT_QUEUE] = null;
        features = -1;
        calls.add("reset");
    }

    @Override
    public void close() {
        synchronized (this) {
            calls.add("close");
        }
        closed.countDown();
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized QueueSetup setup(int queueIndex) {
        return setups[queueIndex];
    }

    synchronized long features() {
        return features;
    }

    boolean awaitClosed() throws InterruptedException {
        return closed.await(5, TimeUnit.SECONDS);
    }
}
