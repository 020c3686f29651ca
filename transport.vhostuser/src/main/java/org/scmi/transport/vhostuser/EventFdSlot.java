package org.scmi.transport.vhostuser;

import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;

/**
 * An eventfd the front-end gave for signalling the guest (a vring's call or err fd), which the
 * front-end may replace at any time. Replacing closes the old fd; signalling and replacing are
 * serialised, so a device thread never writes to an fd number that was closed and reused.
 */
final class EventFdSlot {
    private int fd = -1;

    /** Installs {@code newFd} (or none, -1) and closes the previous one. */
    synchronized void replace(int newFd) {
        Linux.close(fd);
        fd = newFd;
    }

    /**
     * Signals the fd if there is one.
     *
     * @return false if there is none
     */
    synchronized boolean signal() throws LinuxException {
        if (fd < 0) {
            return false;
        }
        Linux.eventfdSignal(fd);
        return true;
    }

    /** Closes the fd; later signals do nothing. */
    void close() {
        replace(-1);
    }
}
