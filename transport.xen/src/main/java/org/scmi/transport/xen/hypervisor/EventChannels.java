package org.scmi.transport.xen.hypervisor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One event-channel handle ({@code /dev/xen/evtchn} fd): ports bound through it fire into it.
 * A port that fired is masked until {@link #unmask}ed; events meanwhile are kept, not lost.
 * Closing unbinds every port.
 *
 * <p>Threads: one thread waits on a handle ({@link #awaitPending}, {@link #unmask}); any thread
 * may {@link #notify} or {@link #wakeUp}. Waiting, unmasking and notifying allocate nothing, so a
 * device model's per-access loop allocates nothing either.
 */
@ProviderType
public interface EventChannels extends AutoCloseable {

    /** Binds a local port to a remote domain's port; returns the local port. */
    int bindInterdomain(int remoteDomid, int remotePort) throws XenException;

    void unbind(int localPort);

    /** Signals the remote end of a local port. */
    void notify(int localPort) throws XenException;

    /**
     * Waits, without a timeout, until ports fired or {@link #wakeUp} was called.
     *
     * @param ports receives the ports that fired; more than fit stay reported for the next call
     * @return how many ports were written, 0 after a wake-up; after an overflow of the kernel's
     *     queue, every bound port (the caller then looks at all of them)
     */
    int awaitPending(int[] ports) throws XenException;

    /** Makes the current (or else the next) {@link #awaitPending} return 0: for stopping its thread. */
    void wakeUp();

    /** Re-enables reporting of the first {@code count} of {@code ports}. */
    void unmask(int[] ports, int count) throws XenException;

    @Override
    void close();
}
