package org.scmi.virtio.device;

/**
 * Who a guest is, as its transport knows it. The same key (a socket path, a Xen domain and device)
 * names the same configured guest across reconnects.
 *
 * @param key stable identity, e.g. {@code vhost-user:/run/scmi/guest0.sock} or {@code xen:5/0}
 * @param name agent name to report (configured, or derived from the key)
 */
public record GuestIdentity(String key, String name) {
}
