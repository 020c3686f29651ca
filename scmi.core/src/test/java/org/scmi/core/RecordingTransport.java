package org.scmi.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.scmi.virtio.device.GuestTransport;

/** A transport that records the interrupts, reset requests and disconnects a device session makes. */
final class RecordingTransport implements GuestTransport {
    final AtomicIntegerArray interrupts = new AtomicIntegerArray(2);
    /** The queues interrupted, in order. */
    final List<Integer> interrupted = new CopyOnWriteArrayList<>();
    final List<String> resetReasons = new CopyOnWriteArrayList<>();
    final AtomicInteger disconnects = new AtomicInteger();

    @Override
    public void disconnect() {
        disconnects.incrementAndGet();
    }

    @Override
    public void notifyGuest(int queueIndex) {
        interrupts.incrementAndGet(queueIndex);
        interrupted.add(queueIndex);
    }

    @Override
    public void deviceNeedsReset(String reason) {
        resetReasons.add(reason);
    }
}
