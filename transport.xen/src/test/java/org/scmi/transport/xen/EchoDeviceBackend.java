package org.scmi.transport.xen;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDeviceBackend;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.SplitQueue;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.VirtqueueException;
import org.scmi.virtio.ring.VirtioFeatures;

/**
 * A device of id 32 for transport tests, on the shared ring engine: every command-queue request
 * is answered in the same chain with its first word (the SCMI header), a zero status word, and
 * the request's remaining bytes reversed, so that a test can tell each answer from any other.
 * A broken ring or buffer makes the session report DEVICE_NEEDS_RESET. Sessions can push an event
 * into the guest's event queue.
 */
final class EchoDeviceBackend implements VirtioDeviceBackend {
    static final int QUEUES = 2;
    static final int MAX_QUEUE_SIZE = 64;
    static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1) | 1L; // + P2A_CHANNELS

    final List<Session> sessions = new CopyOnWriteArrayList<>();

    @Override
    public int deviceId() {
        return 32;
    }

    @Override
    public long features() {
        return FEATURES;
    }

    @Override
    public int queueCount() {
        return QUEUES;
    }

    @Override
    public int maxQueueSize() {
        return MAX_QUEUE_SIZE;
    }

    @Override
    public VirtioDeviceSession open(GuestIdentity guest, GuestTransport transport) {
        Session session = new Session(guest, transport);
        sessions.add(session);
        return session;
    }

    /** The answer the device gives to {@code request}. */
    static byte[] answer(byte[] request) {
        byte[] out = new byte[request.length + 4];
        System.arraycopy(request, 0, out, 0, Math.min(4, request.length));
        for (int i = 4; i < request.length; i++) {
            out[8 + (request.length - 1 - i)] = request[i];
        }
        return out;
    }

    final class Session implements VirtioDeviceSession {
        final GuestIdentity guest;
        private final GuestTransport transport;
        private final Virtqueue[] queues = new Virtqueue[QUEUES];
        private long features;
        volatile boolean closed;
        volatile int resets;

        Session(GuestIdentity guest, GuestTransport transport) {
            this.guest = guest;
            this.transport = transport;
        }

        @Override
        public synchronized void setFeatures(long features) {
            this.features = features;
        }

        @Override
        public synchronized void startQueue(int queueIndex, QueueSetup setup) {
            try {
                queues[queueIndex] = new SplitQueue(setup, features);
            } catch (VirtqueueException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        @Override
        public synchronized int stopQueue(int queueIndex) {
            Virtqueue queue = queues[queueIndex];
            queues[queueIndex] = null;
            return queue == null ? 0 : queue.nextAvailIndex();
        }

        @Override
        public synchronized void queueNotified(int queueIndex) {
            Virtqueue queue = queues[queueIndex];
            if (queue == null || queueIndex != 0) {
                return;
            }
            DescriptorChain chain = new DescriptorChain();
            try {
                do {
                    queue.disableNotifications();
                    while (queue.next(chain)) {
                        byte[] request = new byte[(int) chain.readableLength()];
                        chain.read(0, request, 0, request.length);
                        byte[] response = answer(request);
                        int length = (int) Math.min(response.length, chain.writableLength());
                        chain.write(0, response, 0, length);
                        queue.addUsed(chain.head(), length);
                    }
                    if (queue.needsInterrupt()) {
                        transport.notifyGuest(queueIndex);
                    }
                } while (queue.enableNotifications());
            } catch (VirtqueueException e) {
                queues[0] = queues[1] = null;
                transport.deviceNeedsReset(e.getMessage());
            }
        }

        /** Puts {@code event} into the next event-queue buffer; false if none is posted. */
        synchronized boolean sendEvent(byte[] event) throws VirtqueueException {
            Virtqueue queue = queues[1];
            DescriptorChain chain = new DescriptorChain();
            if (queue == null || !queue.next(chain)) {
                return false;
            }
            chain.write(0, event, 0, event.length);
            queue.addUsed(chain.head(), event.length);
            if (queue.needsInterrupt()) {
                transport.notifyGuest(1);
            }
            return true;
        }

        @Override
        public synchronized void reset() {
            queues[0] = queues[1] = null;
            features = 0;
            resets++;
        }

        @Override
        public synchronized void close() {
            reset();
            closed = true;
        }
    }
}
