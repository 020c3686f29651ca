package org.scmi.transport.xen.port;

/**
 * A kernel fast path for one queue's QueueNotify writes (privcmd ioeventfd): the kernel completes
 * those ioreqs itself and signals an eventfd. Closing deassigns it.
 */
public interface QueueKick extends AutoCloseable {

    /** Waits for kicks; true if at least one arrived (consumed), false on timeout. */
    boolean await(int timeoutMillis) throws XenException;

    @Override
    void close();
}
