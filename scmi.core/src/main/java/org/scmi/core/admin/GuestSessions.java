package org.scmi.core.admin;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The guests a device backend serves right now, for administration. Provided by the device
 * backend bundle as an OSGi service.
 */
@ProviderType
public interface GuestSessions {

    /**
     * One agent's guest as the administrator sees it.
     *
     * @param key the transport identity of the guest that connected last (a socket, a Xen domain
     *     name and device)
     * @param profile the profile the agent's view comes from (its own or the default), or empty
     * @param gone whether the guest is gone for good and its agent left the directory (its id is
     *     kept for it until another guest needs one)
     */
    record GuestSession(int agentId, String name, String key, boolean connected, long features,
            long requests, long errors, int pendingEvents, String profile, boolean gone) {
    }

    /**
     * Every agent, connected or not (profiles' agents, guests that may reconnect), then the guests
     * gone for good whose ids are still kept for them, in agent id order.
     */
    List<GuestSession> sessions();

    /**
     * The virtqueue engine serving each running queue of a connected guest, by queue name ("cmdq",
     * "eventq"), as the engine describes itself (ring format, bundle and revision): after a live
     * update of the ring bundle every running queue names the new revision. Empty if the guest is
     * not connected.
     */
    Map<String, String> queueEngines(int agentId);

    /**
     * Disconnects a guest through its transport (vhost-user: closes the connection; the socket keeps
     * listening). Returns false if no guest with that agent id is connected.
     */
    boolean disconnect(int agentId);
}
