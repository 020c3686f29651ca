package org.scmi.virtio.ring;

/**
 * The guest's driver broke the virtqueue rules (a malformed ring or chain, memory outside its
 * regions). A guest error: the device stops serving the queue and reports it; it is never a reason
 * to touch memory outside the guest or to stop serving other guests.
 */
public class VirtqueueException extends Exception {
    private static final long serialVersionUID = 1L;

    public VirtqueueException(String reason) {
        super(reason, null, false, false);
    }
}
