package org.scmi.core;

import org.scmi.virtio.ring.Virtqueue;

/**
 * The start/stop life of one of a guest's virtqueues, shared by the cmdq and the eventq: which ring
 * is served, and the avail index the device resumes at once it stops, breaks or cannot start
 * (vhost-user GET_VRING_BASE). Everything runs under this object's monitor, so once {@link #stop}
 * returns the ring's memory is not touched any more.
 */
abstract class ServedQueue {
    /** The ring being served; null while stopped or broken. Guarded by this. */
    protected Virtqueue queue;
    /** Where the device resumes: kept when the queue stops or breaks. */
    private int nextAvailIndex;

    /** Serves {@code started} and handles what already waits in it. */
    final synchronized void start(Virtqueue started) {
        queue = started;
        nextAvailIndex = started.nextAvailIndex();
        serveAvailable();
    }

    /** Stops serving (also when the ring turned out broken); returns the next avail index. */
    final synchronized int stop() {
        if (queue != null) {
            nextAvailIndex = queue.nextAvailIndex();
            queue = null;
        }
        return nextAvailIndex;
    }

    /** Remembers where a queue that could not start would have resumed. */
    final synchronized void failedToStart(int resumeIndex) {
        queue = null;
        nextAvailIndex = resumeIndex;
    }

    /** Handles every buffer the guest made available; called with the monitor held. */
    abstract void serveAvailable();
}
