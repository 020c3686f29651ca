package org.scmi.api.clock;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the changes a {@link ClockDriver} did not make on the protocol's request. Calls come
 * from any thread, must not block, and may arrive after the listener was removed.
 */
@ProviderType
public interface ClockListener {

    /** The clock now runs at {@code rate} Hz, changed by the platform itself or another master. */
    void rateChanged(String clockKey, long rate);

    /** The platform asks for the clock to change to {@code rate} Hz (it has not changed yet). */
    void rateChangeRequested(String clockKey, long rate);
}
