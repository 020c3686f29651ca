package org.scmi.transport.xen.sim;

import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.device.FixedReplyDevice;
import org.scmi.virtio.ring.device.Responder;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/**
 * The device for transport tests: every command-queue request is answered in the same chain with
 * its first word (the SCMI header), a zero status word, and the request's remaining bytes
 * reversed, so that a test can tell each answer from any other.
 */
public final class EchoDeviceBackend extends FixedReplyDevice {
    static final int MAX_QUEUE_SIZE = 64;
    static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VIRTIO_SCMI_F_P2A_CHANNELS);

    public EchoDeviceBackend() {
        this(() -> { });
    }

    /**
     * @param beforeAnswering runs before each answer, on the thread serving the queue: a test
     *     holds the device's driver there
     */
    public EchoDeviceBackend(Runnable beforeAnswering) {
        super(FEATURES, MAX_QUEUE_SIZE, () -> {
            Responder echo = Responder.answering(EchoDeviceBackend::answer);
            return chain -> {
                beforeAnswering.run();
                return echo.respond(chain);
            };
        }, new SplitQueueFactory());
    }

    /** The answer the device gives to {@code request}. */
    public static byte[] answer(byte[] request) {
        byte[] out = new byte[request.length + 4];
        System.arraycopy(request, 0, out, 0, Math.min(4, request.length));
        for (int i = 4; i < request.length; i++) {
            out[8 + (request.length - 1 - i)] = request[i];
        }
        return out;
    }
}
