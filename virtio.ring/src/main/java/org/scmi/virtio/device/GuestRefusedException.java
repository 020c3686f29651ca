package org.scmi.virtio.device;

/**
 * The device does not serve this guest: its configuration has no place for it (no agent profile
 * matches it, or the agent it would be is connected already). The transport ends the guest's
 * connection or leaves its device unserved; the message says which guest and why.
 */
public class GuestRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestRefusedException(String message) {
        super(message, null, false, false);
    }
}
