package org.scmi.core;

import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.ring.RingPosition;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.VirtqueueException;
import org.scmi.virtio.ring.VirtqueueFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start/stop life of one of a guest's virtqueues, shared by the cmdq and the eventq: which ring
 * is served and by which engine, and the avail index the device resumes at once it stops, breaks
 * or cannot start (vhost-user GET_VRING_BASE). Everything runs under this object's monitor, so once
 * {@link #stop} returns the ring's memory is not touched any more, and the monitor is free only
 * between chains: that is when the queue can move to another engine ({@link #moveTo}).
 */
abstract class ServedQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ServedQueue.class);

    protected final GuestAgent agent;
    private final int queueIndex;
    private final VirtqueueEngines engines;
    /** The ring being served; null while stopped or broken. Guarded by this. */
    protected Virtqueue queue;
    /** The engine that opened {@link #queue}, and what it was opened with. Guarded by this. */
    private VirtqueueFactory engine;
    private QueueSetup setup;
    private long features;
    /** Where the device resumes: kept when the queue stops or breaks. */
    private int nextAvailIndex;

    ServedQueue(GuestAgent agent, int queueIndex, VirtqueueEngines engines) {
        this.agent = agent;
        this.queueIndex = queueIndex;
        this.engines = engines;
    }

    /**
     * Serves the ring the driver set up, with the current engine (waiting for one, up to the grace
     * period, while the ring bundle is being replaced), and handles what already waits in it.
     *
     * @throws VirtqueueException if the ring is unusable or no engine came: the queue stays stopped
     */
    final void start(QueueSetup started, long negotiated) throws VirtqueueException {
        VirtqueueFactory waited;
        try {
            waited = engines.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waited = null;
        }
        synchronized (this) {
            stop();
            if (started.size() > VirtioScmi.MAX_QUEUE_SIZE) {
                failedToStart(started.nextAvailIndex());
                throw new VirtqueueException("queue size " + started.size() + " exceeds the device's maximum "
                        + VirtioScmi.MAX_QUEUE_SIZE);
            }
            VirtqueueFactory opening = engines.current();
            if (opening == null) {
                opening = waited; // unregistered again meanwhile: its successor will take the queue over
            }
            if (opening == null) {
                failedToStart(started.nextAvailIndex());
                throw new VirtqueueException("no virtqueue engine is registered (is the virtio.ring bundle active?)");
            }
            try {
                queue = opening.open(started, negotiated);
            } catch (VirtqueueException e) {
                failedToStart(started.nextAvailIndex());
                throw e;
            }
            engine = opening;
            setup = started;
            features = negotiated;
            nextAvailIndex = queue.nextAvailIndex();
            engines.started(this);
            serveAvailable();
        }
    }

    /** Stops serving (also when the ring turned out broken); returns the next avail index. */
    final synchronized int stop() {
        if (queue != null) {
            nextAvailIndex = queue.nextAvailIndex();
            queue = null;
            engine = null;
            setup = null;
            engines.stopped(this);
        }
        return nextAvailIndex;
    }

    /** Remembers where a queue that could not start would have resumed. */
    private void failedToStart(int resumeIndex) {
        queue = null;
        nextAvailIndex = resumeIndex;
    }

    /**
     * Moves the running ring to {@code next} between two chains, at exactly the position the
     * current engine reached, so that no chain is taken twice or skipped and no interrupt or
     * notification is lost. If {@code next} refuses the ring, the current engine keeps it.
     */
    final synchronized void moveTo(VirtqueueFactory next) {
        if (queue == null || engine == next || engines.current() != next) {
            return; // stopped, there already, or a newer engine came and will take it
        }
        RingPosition position;
        try {
            position = queue.position();
            queue = next.open(setup, features, position);
        } catch (VirtqueueException | RuntimeException e) {
            LOG.error("guest {} ({}): {} stays on {}: it could not move to {}: {}", agent.name(), agent,
                    VirtioScmi.queueName(queueIndex), engine.description(), next.description(), e.toString());
            return;
        }
        LOG.info("guest {} ({}): {} moved from {} to {} at avail {}, used {}", agent.name(), agent,
                VirtioScmi.queueName(queueIndex), engine.description(), next.description(), position.nextAvail(),
                position.nextUsed());
        engine = next;
    }

    /** The engine serving the ring, or null while it is stopped. */
    final synchronized VirtqueueFactory engine() {
        return engine;
    }

    /** Handles every buffer the guest made available; called with the monitor held. */
    abstract void serveAvailable();
}
