package org.scmi.api.powercap;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives what a {@link PowercapDriver} learns by itself. Calls come from any thread, must not
 * block, and may arrive after the listener was removed.
 */
@ProviderType
public interface PowercapListener {

    /** The platform itself now wants the zone capped at {@code cap} µW (0: no cap of its own). */
    void capChanged(String zoneKey, int cap);

    /** An averaging interval of a monitored zone ended with an average of {@code power} µW. */
    void measured(String zoneKey, int power);
}
