package org.scmi.core.admin;

import java.util.List;
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
     * Disconnects a guest through its transport (vhost-user: closes the connection; the socket keeps
     * listening). Returns false if no guest with that agent id is connected.
     */
    boolean disconnect(int agentId);
}
