package org.scmi.core;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.IntSupplier;
import org.scmi.api.MessageType;
import org.scmi.api.ScmiHeader;
import org.scmi.virtio.device.GuestTransport;
import org.scmi.virtio.ring.DescriptorChain;
import org.scmi.virtio.ring.VirtqueueException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guest's eventq and the events waiting for it. Protocols queue notifications and delayed
 * responses from any thread ({@link #send}); they are written into the buffers the guest posts,
 * one event per buffer, as soon as there are both an event and a buffer: on {@link #send} and when
 * the guest kicks the eventq after posting buffers ({@link #notified}). Everything runs under this
 * object's monitor on the calling thread, for the short time it takes to copy the events out.
 *
 * <p>The spec's rules: a delayed response must be delivered when a buffer appears, so delayed
 * responses are kept (up to one per possible token); notifications may be dropped, so at most
 * {@code notificationLimit} are kept and the oldest goes first. An event larger than the buffer
 * at hand is omitted, and the buffer kept for the next one. The device asks for kicks only while
 * events wait for buffers, so a guest reposting buffers does not wake it for nothing.
 *
 * <p>Events wait while the guest's cmdq is being answered ({@link #hold}, {@link #release}): a
 * handler may finish its work, and send the delayed response, before its own command's response is
 * in the used ring and the guest has been interrupted for it. A delayed response must not reach the
 * guest first: Linux then takes the delayed response and rejects the response that follows as an
 * invalid message, failing the command.
 */
final class EventQueue extends ServedQueue {
    private static final Logger LOG = LoggerFactory.getLogger(EventQueue.class);
    /** Delayed responses kept: one per SCMI token. */
    private static final int MAX_DELAYED_RESPONSES = 1024;

    private record Event(int header, byte[] payload) {
        boolean isNotification() {
            return ((header >>> ScmiHeader.TYPE_SHIFT) & ScmiHeader.TYPE_MASK) == MessageType.NOTIFICATION.value();
        }

        int size() {
            return VirtioScmi.HEADER_SIZE + payload.length;
        }
    }

    private final GuestTransport transport;
    private final GuestFaults faults;
    private final IntSupplier notificationLimit;
    private final ArrayDeque<Event> pending = new ArrayDeque<>();
    private int pendingNotifications;
    private boolean held;
    private final byte[] header = new byte[VirtioScmi.HEADER_SIZE];

    EventQueue(GuestAgent agent, GuestTransport transport, GuestFaults faults, IntSupplier notificationLimit,
            VirtqueueEngines engines) {
        super(agent, VirtioScmi.EVENTQ, engines);
        this.transport = transport;
        this.faults = faults;
        this.notificationLimit = notificationLimit;
    }

    /**
     * Queues an event and delivers what the guest has buffers for.
     *
     * @param eventHeader a delayed-response (type 2) or notification (type 3) header
     * @param payload delayed response: status and values; notification: its payload
     */
    synchronized void send(int eventHeader, byte[] payload) {
        int type = (eventHeader >>> ScmiHeader.TYPE_SHIFT) & ScmiHeader.TYPE_MASK;
        if (type != MessageType.DELAYED_RESPONSE.value() && type != MessageType.NOTIFICATION.value()) {
            throw new IllegalArgumentException("not an event header: " + ScmiHeader.decode(eventHeader));
        }
        Event event = new Event(eventHeader, payload.clone());
        if (event.isNotification()) {
            if (pendingNotifications >= Math.max(1, notificationLimit.getAsInt())) {
                dropOldest(true);
            }
            pendingNotifications++;
        } else if (pending.size() - pendingNotifications >= MAX_DELAYED_RESPONSES) {
            dropOldest(false);
        }
        pending.addLast(event);
        if (!held) {
            serveAvailable();
        }
    }

    /** The cmdq is being answered: events wait until {@link #release}. */
    synchronized void hold() {
        held = true;
    }

    /** The cmdq's responses are in the used ring and the guest was interrupted for them: events go. */
    synchronized void release() {
        held = false;
        serveAvailable();
    }

    private void dropOldest(boolean notification) {
        for (Iterator<Event> it = pending.iterator(); it.hasNext();) {
            Event oldest = it.next();
            if (oldest.isNotification() == notification) {
                it.remove();
                if (notification) {
                    pendingNotifications--;
                    LOG.warn("{}: the guest posts no eventq buffers; dropped the oldest notification ({})", agent,
                            ScmiHeader.decode(oldest.header()));
                } else {
                    LOG.error("{}: the guest posts no eventq buffers; dropped the oldest delayed response ({})", agent,
                            ScmiHeader.decode(oldest.header()));
                }
                return;
            }
        }
    }

    /** The guest kicked the eventq: it posted buffers. */
    synchronized void notified() {
        if (!held) {
            serveAvailable();
        }
    }

    /** Forgets every queued event (device reset, guest gone). */
    synchronized void clear() {
        pending.clear();
        pendingNotifications = 0;
    }

    /** Events waiting for buffers. */
    synchronized int pendingCount() {
        return pending.size();
    }

    /** Writes waiting events into the buffers the guest posted, oldest first. */
    @Override
    void serveAvailable() {
        if (queue == null) {
            return;
        }
        try {
            while (true) {
                for (DescriptorChain chain; !pending.isEmpty() && (chain = queue.next()) != null; ) {
                    deliverFirst(chain);
                }
                if (pending.isEmpty()) {
                    queue.disableNotifications(); // nothing to send: no need to hear of new buffers
                    break;
                }
                if (!queue.enableNotifications()) {
                    break; // the guest's next buffer will kick us
                }
            }
            if (queue.needsInterrupt()) {
                transport.notifyGuest(VirtioScmi.EVENTQ);
            }
        } catch (VirtqueueException e) {
            stop();
            faults.queueBroken(VirtioScmi.EVENTQ, e.getMessage());
        }
    }

    /** Writes the oldest event into the chain just taken, or omits it if it does not fit. */
    private void deliverFirst(DescriptorChain chain) throws VirtqueueException {
        Event event = pending.removeFirst();
        if (event.isNotification()) {
            pendingNotifications--;
        }
        long room = chain.writableLength();
        if (event.size() > room) {
            queue.undoNext();
            faults.chainRejected(VirtioScmi.EVENTQ, "buffer of " + room + " bytes is too small for "
                    + ScmiHeader.decode(event.header()) + " of " + event.size() + " bytes; event omitted");
            return;
        }
        WireWords.put(header, 0, event.header());
        chain.write(0, header, 0, VirtioScmi.HEADER_SIZE);
        chain.write(VirtioScmi.HEADER_SIZE, event.payload(), 0, event.payload().length);
        queue.addUsed(chain, event.size());
    }
}
