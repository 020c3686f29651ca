package org.scmi.api.reset;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the resets a {@link ResetDriver} carried out without the protocol asking. Calls come from
 * any thread, must not block, and may arrive after the listener was removed.
 */
@ProviderType
public interface ResetListener {

    /** The platform itself reset the domain (a watchdog, a power event). */
    void resetIssued(String domainKey, int resetState);
}
