package org.scmi.core;

import org.scmi.virtio.device.GuestTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports a guest's mistakes against that guest, and tells its transport when it broke a queue. */
final class GuestFaults {
    private static final Logger LOG = LoggerFactory.getLogger(GuestFaults.class);

    private final GuestAgent agent;
    private final GuestTransport transport;

    GuestFaults(GuestAgent agent, GuestTransport transport) {
        this.agent = agent;
        this.transport = transport;
    }

    /** A chain or message the device answered or dropped; the queue keeps running. */
    void chainRejected(int queueIndex, String reason) {
        LOG.warn("guest {} ({}): {}: {}", agent.name(), agent, VirtioScmi.queueName(queueIndex), reason);
    }

    /** The guest broke a queue: the device stops serving it until the guest resets the device. */
    void queueBroken(int queueIndex, String reason) {
        String message = VirtioScmi.queueName(queueIndex) + ": " + reason;
        LOG.error("guest {} ({}): {}; queue stopped until the device is reset", agent.name(), agent, message);
        transport.deviceNeedsReset(message);
    }
}
