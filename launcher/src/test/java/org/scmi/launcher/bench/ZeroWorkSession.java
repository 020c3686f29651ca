package org.scmi.launcher.bench;

import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.device.VirtioDeviceSession;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.SplitQueue;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.VirtqueueException;

/**
 * One guest of the {@link ZeroWorkDevice}. The command queue is drained exactly as the server's
 * command queue drains it (notifications off while draining, one interrupt decision per pass,
 * notifications on and a re-check), on the transport's kick thread; the eventq is left alone.
 */
final class ZeroWorkSession implements VirtioDeviceSession {
    private static final int COMMAND_QUEUE = 0;
    private static final int HEADER_SIZE = 4;
    /** Header, status and return values are never more than this in the benchmark's commands. */
    private static final int MAX_REPLY = 136;

    private final GuestTransport transport;
    private final DescriptorChain chain = new DescriptorChain();
    /** Read from each command: its header word. */
    private final byte[] header = new byte[HEADER_SIZE];
    /** Written to each response: the header, then SUCCESS (0) and zero values. */
    private final byte[] reply = new byte[MAX_REPLY];
    private final Virtqueue[] queues = new Virtqueue[ZeroWorkDevice.QUEUE_COUNT];
    private long features;

    ZeroWorkSession(GuestTransport transport) {
        this.transport = transport;
    }

    @Override
    public synchronized void setFeatures(long accepted) {
        features = accepted;
    }

    @Override
    public synchronized void startQueue(int queueIndex, QueueSetup setup) {
        try {
            queues[queueIndex] = new SplitQueue(setup, features);
        } catch (VirtqueueException e) {
            transport.deviceNeedsReset("queue " + queueIndex + ": " + e.getMessage());
        }
        queueNotified(queueIndex);
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
        if (queueIndex != COMMAND_QUEUE || queue == null) {
            return;
        }
        try {
            do {
                queue.disableNotifications();
                while (queue.next(chain)) {
                    chain.read(0, header, 0, HEADER_SIZE);
                    System.arraycopy(header, 0, reply, 0, HEADER_SIZE);
                    int length = (int) Math.min(chain.writableLength(), MAX_REPLY);
                    chain.write(0, reply, 0, length);
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

    @Override
    public synchronized void reset() {
        queues[COMMAND_QUEUE] = null;
        queues[COMMAND_QUEUE + 1] = null;
    }

    @Override
    public void close() {
        reset();
    }
}
