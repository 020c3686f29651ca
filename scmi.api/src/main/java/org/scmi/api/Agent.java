package org.scmi.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An SCMI agent: one guest (one virtio-scmi device instance). The same guest (its profile, its
 * socket, its Xen domain name) keeps its agent id across reconnects and restarts. Protocol bundles
 * receive the agent with every request and must not keep it past the guest's lifetime; they key
 * state by {@link #id()} and show it only what its {@link #view()} lets it see.
 */
@ProviderType
public interface Agent {

    /** Agent id, 1..255 (0 is the platform). */
    int id();

    /** Agent name as BASE_DISCOVER_AGENT reports it (at most 15 ASCII characters on the wire). */
    String name();

    /**
     * Whether this agent has a platform-to-agent channel (virtio: VIRTIO_SCMI_F_P2A_CHANNELS
     * negotiated). Without one, protocols must not advertise notifications or asynchronous
     * operations, and must answer their notify and async requests as unsupported.
     */
    boolean hasEventChannel();

    /**
     * Whether the platform trusts this agent with what affects every other agent, such as powering
     * the whole board off (System power management) or denying other agents resources. Protocols
     * ask this method, never a list of their own, so that trust has one source: the agent's
     * profile ({@link AgentView#trusted()}). An agent without a profile is not trusted.
     *
     * @since 1.1
     */
    default boolean trusted() {
        return view().trusted();
    }

    /**
     * Queues a notification or delayed response for this agent. Never blocks. A delayed response
     * is kept until the agent posts a buffer for it; a notification may be dropped when the agent
     * posts none for a long time.
     *
     * @param header the message header (type 2 or 3)
     * @param payload for a delayed response: status word and return values; for a notification:
     *     the notification payload
     * @return false if the agent has no event channel or is gone
     */
    boolean sendEvent(int header, byte[] payload);

    /**
     * What this agent may see: the protocols it may use, the resources it sees under its own
     * numbering, whether it is trusted with other agents. Fixed while the guest's driver runs; a
     * changed profile reaches the agent when the driver next starts the device (it negotiates
     * features: a device reset, a driver probe, a reboot) or the guest reconnects.
     *
     * @since 1.1
     */
    default AgentView view() {
        return AgentView.EVERYTHING;
    }
}
