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

    /** One guest's session as the administrator sees it. */
    record GuestSession(int agentId, String name, String key, boolean connected, long features,
            long requests, long errors, int pendingEvents) {
    }

    /** Every guest known since the server started, connected or not, in agent id order. */
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
