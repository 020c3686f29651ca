package org.scmi.transport.vhostuser;

import org.scmi.linux.Linux;
import org.scmi.transport.vhostuser.VhostUserCodec.VringAddress;

/**
 * What the front-end told about one vring, and whether the device serves it. Read and written by
 * the connection handler only, except the call and err fds, which device threads signal, and
 * {@link #kickHandler}.
 */
final class Vring {
    final int index;
    /** Queue size; 0 until SET_VRING_NUM. */
    int size;
    /** Ring addresses in the front-end's user addresses; null until SET_VRING_ADDR. */
    VringAddress address;
    /** Next available index the device resumes at (SET_VRING_BASE, or where it stopped). */
    int base;
    /** The front-end's kick eventfd; -1 until SET_VRING_KICK, and again after GET_VRING_BASE. */
    int kickFd = -1;
    /** SET_VRING_ENABLE state; set without it when protocol features are not negotiated. */
    boolean enabled;
    /** Whether the device session serves the queue (startQueue called, stopQueue not yet). */
    boolean running;
    /** Delivers the kicks while the ring runs; null when it does not. */
    Poller.Watch kicks;
    /** The thread in the device's handling of a kick of this ring, or null: written by that thread. */
    volatile Thread kickHandler;
    final EventFdSlot call = new EventFdSlot();
    final EventFdSlot err = new EventFdSlot();

    Vring(int index) {
        this.index = index;
    }

    /** Whether everything the device needs to serve the ring is there. */
    boolean configured() {
        return size > 0 && address != null && kickFd >= 0 && enabled;
    }

    void replaceKick(int fd) {
        Linux.close(kickFd);
        kickFd = fd;
    }

    /** Back to the state of a new connection; the caller stopped the ring. */
    void reset() {
        size = 0;
        address = null;
        base = 0;
        replaceKick(-1);
        enabled = false;
        call.close();
        err.close();
    }
}
