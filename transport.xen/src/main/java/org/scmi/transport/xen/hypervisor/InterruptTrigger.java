package org.scmi.transport.xen.hypervisor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A kernel fast path that raises a guest SPI when signalled (privcmd irqfd re-issuing a prepared
 * set_irq_level dm_op). Closing deassigns it.
 */
@ProviderType
public interface InterruptTrigger extends AutoCloseable {

    void trigger() throws XenException;

    @Override
    void close();
}
