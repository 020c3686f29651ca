package org.scmi.transport.vhostuser;

import org.scmi.virtio.ring.VirtioFeatures;

/**
 * Feature bits of the vhost-user protocol itself (set and tested with {@link VirtioFeatures#bit}
 * and {@link VirtioFeatures#has}, which work on any feature word): the one virtio feature bit it borrows, and the
 * protocol feature bits of GET/SET_PROTOCOL_FEATURES.
 */
public final class ProtocolFeatures {

    /** Virtio feature bit 30 (reserved by virtio): the back-end speaks protocol features. */
    public static final int F_PROTOCOL_FEATURES = 30;

    /** GET_QUEUE_NUM is answered. */
    public static final int MQ = 0;
    /** The front-end may set need_reply on any request and gets a u64 status back. */
    public static final int REPLY_ACK = 3;
    /**
     * GET_INFLIGHT_FD / SET_INFLIGHT_FD: the back-end records the chains in flight in memory the
     * front-end keeps, so that a back-end restarted after a crash answers each exactly once.
     */
    public static final int INFLIGHT_SHMFD = 12;
    /** RESET_DEVICE replaces the deprecated RESET_OWNER. */
    public static final int RESET_DEVICE = 13;

    /**
     * What this back-end offers. INFLIGHT_SHMFD for split rings; not CONFIG (virtio-scmi has no config space), not
     * CONFIGURE_MEM_SLOTS (one SET_MEM_TABLE per change is enough for a control device), nothing
     * for migration, in-band notifications or a back-end request channel.
     */
    public static final long OFFERED = VirtioFeatures.bit(MQ) | VirtioFeatures.bit(REPLY_ACK)
            | VirtioFeatures.bit(INFLIGHT_SHMFD) | VirtioFeatures.bit(RESET_DEVICE);

    private ProtocolFeatures() {
    }
}
