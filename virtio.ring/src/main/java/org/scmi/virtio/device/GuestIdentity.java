package org.scmi.virtio.device;

import java.util.Objects;

/**
 * Who a guest is, as its transport knows it. The same key names the same guest across reconnects
 * and restarts; the device decides from the identity which agent the guest is and what it may see.
 *
 * @param key stable identity, e.g. {@code vhost-user:/run/scmi/guest0.sock} or
 *     {@code xen:<domain name>/<device>}; never something that changes when the guest restarts
 * @param name the guest's name (a socket's agent name, a Xen domain's name), which agent profiles
 *     are matched by
 * @param uuid the guest's VM UUID where the transport knows one (Xen), else empty
 * @param goneWhenClosed whether the end of the guest's session means the guest is gone for good
 *     (a destroyed Xen domain), rather than a disconnect it may come back from as the same guest
 *     (a vhost-user socket)
 * @since 2.1 (uuid, goneWhenClosed)
 */
public record GuestIdentity(String key, String name, String uuid, boolean goneWhenClosed) {

    public GuestIdentity {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uuid, "uuid");
    }

    /** A guest without a VM UUID that may reconnect (a vhost-user socket). */
    public GuestIdentity(String key, String name) {
        this(key, name, "", false);
    }
}
