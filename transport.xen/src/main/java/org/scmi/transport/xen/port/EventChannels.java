package org.scmi.transport.xen.port;

/**
 * One event-channel handle ({@code /dev/xen/evtchn} fd): ports bound through it fire into it.
 * A port that fired is masked until {@link #unmask}ed; events meanwhile are kept, not lost.
 * Closing unbinds every port. One thread waits on a handle; notify may come from any thread.
 */
public interface EventChannels extends AutoCloseable {

    /** Binds a local port to a remote domain's port; returns the local port. */
    int bindInterdomain(int remoteDomid, int remotePort) throws XenException;

    void unbind(int localPort);

    /** Signals the remote end of a local port. */
    void notify(int localPort) throws XenException;

    /**
     * Waits for ports that fired.
     *
     * @return the ports (possibly empty on timeout); after an overflow, every bound port
     */
    int[] awaitPending(int timeoutMillis) throws XenException;

    /** Re-enables reporting of the given ports. */
    void unmask(int[] ports) throws XenException;

    @Override
    void close();
}
