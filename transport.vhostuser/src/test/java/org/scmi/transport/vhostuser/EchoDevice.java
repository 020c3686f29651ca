package org.scmi.transport.vhostuser;

import org.scmi.virtio.ring.device.FixedReplyDevice;
import org.scmi.virtio.ring.device.Responder;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/**
 * The device for transport tests: every command chain on queue 0 is answered with its own request
 * bytes; queue 1 holds event buffers until a test sends an event.
 */
final class EchoDevice extends FixedReplyDevice {
    static final int MAX_QUEUE_SIZE = 1024;
    static final long FEATURES = SCMI_FEATURES;

    EchoDevice() {
        super(FEATURES, MAX_QUEUE_SIZE, Responder::echo, new SplitQueueFactory());
    }
}
