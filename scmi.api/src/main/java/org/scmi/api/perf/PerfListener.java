package org.scmi.api.perf;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the changes a {@link PerfDriver} did not make on the protocol's request. Calls come
 * from any thread and may arrive after the listener was removed. They may call back into the driver
 * ({@link #limitsChanged} moves the level into the new limits): a driver calls them without holding
 * a lock its other methods need.
 */
@ProviderType
public interface PerfListener {

    /** The platform moved the domain to {@code level} by itself. */
    void levelChanged(String domainKey, int level);

    /**
     * The platform's limits on the domain changed. A driver whose hardware enforces them moves the
     * level first and reports that before the limits; the protocol then moves the level to what
     * agents ask for within the new limits, before this call returns.
     */
    void limitsChanged(String domainKey, PerfLimits limits);
}
