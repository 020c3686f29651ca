package org.scmi.api.voltage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the changes a {@link VoltageDriver} did not make on the protocol's request. Calls come
 * from any thread, must not block, and may arrive after the listener was removed.
 */
@ProviderType
public interface VoltageListener {

    /** The platform set the supply to {@code microvolts} itself. */
    void levelChanged(String domainKey, int microvolts);

    /** The platform switched the supply on or off itself. */
    void onChanged(String domainKey, boolean on);
}
