package org.scmi.launcher.bench;

import org.scmi.virtio.ring.device.FixedReplyDevice;
import org.scmi.virtio.ring.device.Responder;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/**
 * The benchmark's floor: a virtio device offered as virtio-scmi (id 32, the server's feature bits)
 * that does no SCMI work. Every command chain is answered with a fixed reply filling its writable
 * part: the command's header word, SUCCESS, zeros. It is served by the same vhost-user transport
 * and split-ring engine as the server, so the difference to the server is the SCMI device layer
 * (command decoding, dispatch to the protocol, the handler, the reply), nothing else.
 */
final class ZeroWorkDevice extends FixedReplyDevice {
    private static final int MAX_QUEUE_SIZE = 1024;
    /** Header, status and return values are never more than this in the benchmark's commands. */
    private static final int MAX_REPLY = 136;

    ZeroWorkDevice() {
        super(SCMI_FEATURES, MAX_QUEUE_SIZE, () -> Responder.headerThenZeros(MAX_REPLY), new SplitQueueFactory());
    }
}
