package org.scmi.api.power;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the changes a {@link PowerDomainDriver} did not make on the protocol's request. Calls
 * come from any thread, must not block, and may arrive after the listener was removed.
 */
@ProviderType
public interface PowerDomainListener {

    /** The domain is now in {@code state}, changed by the platform itself or another master. */
    void stateChanged(String domainKey, int state);

    /** The platform asks for the domain to go to {@code state} (it has not changed yet). */
    void stateChangeRequested(String domainKey, int state);
}
