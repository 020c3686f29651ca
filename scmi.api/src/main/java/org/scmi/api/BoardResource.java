package org.scmi.api;

/**
 * A resource as the board offers it, named the two ways a profile may name it.
 *
 * @param kind what it is
 * @param name its name as agents see it (unique among the resources of its kind, where the
 *     protocol requires it)
 * @param key its stable key, {@code <driver key>/<resource key>}
 */
public record BoardResource(ResourceKind kind, String name, String key) {
}
