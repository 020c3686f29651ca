package org.scmi.transport.xen.hypervisor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A kernel fast path for one queue's QueueNotify writes (privcmd ioeventfd): the kernel completes
 * those ioreqs itself and signals {@link #eventfd()}. Closing deassigns it and closes the eventfd.
 */
@ProviderType
public interface QueueKick extends AutoCloseable {

    /**
     * The eventfd the kernel signals once per notification it completed. The backend waits on it
     * with its other queues' eventfds and may signal it itself for a notification that reached
     * userspace, so that both routes end in the same worker.
     */
    int eventfd();

    @Override
    void close();
}
