package org.scmi.transport.xen.hypervisor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A kernel fast path for one queue's QueueNotify writes (privcmd ioeventfd): the kernel completes
 * those ioreqs itself and signals {@link #eventfd()}. Closing deassigns it and closes the eventfd.
 *
 * <p>It outlives the process that assigned it: privcmd keeps its ioeventfds in a list of the
 * module, not of the file, and only deassigning (which needs this process's ioreq page address
 * and eventfd) or unloading the module removes them. Until then it holds the guest's vCPU event
 * channels bound, so that no other process can bind them, and points into the ioreq page mapping
 * of the process that died. A device model that wants to be taken over after a crash does not use
 * it, and one that stops on purpose closes it first.
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
