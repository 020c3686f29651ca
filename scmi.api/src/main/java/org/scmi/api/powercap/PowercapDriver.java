package org.scmi.api.powercap;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.scmi.api.ScmiException;

/**
 * Power capping zones of a board, registered as an OSGi service by the board's driver bundle. The
 * protocol bundle arbitrates between agents (see the package documentation) and asks the driver
 * only for the cap and averaging interval the hardware should apply; a driver never sees which
 * agent asked.
 *
 * <p>The list of zones is fixed for the life of the service. Every method may throw
 * {@link ScmiException} with NOT_FOUND for an unknown key or HARDWARE_ERROR when the hardware fails.
 */
@ConsumerType
public interface PowercapDriver {

    /**
     * Service property (String): the key that orders this driver's zones among those of other
     * drivers; see the package documentation.
     */
    String DRIVER_KEY = "scmi.driver.key";

    /** The zones, parents before the zones they contain, in the order their ids are assigned. */
    List<PowercapZone> zones();

    /** The cap the zone enforces now, in µW; 0 when it enforces none. */
    int cap(String zoneKey) throws ScmiException;

    /**
     * Enforces {@code cap} µW (one of the zone's caps), or no cap for 0, and returns once it is
     * enforced. May block up to the zone's {@link PowercapZone#capChangeMillis()}. Changes made here
     * are not reported to the listeners.
     */
    void setCap(String zoneKey, int cap) throws ScmiException;

    /** The power averaging interval in µs. */
    int averagingInterval(String zoneKey) throws ScmiException;

    /** Sets the power averaging interval to {@code micros}, one of the zone's intervals. */
    void setAveragingInterval(String zoneKey, int micros) throws ScmiException;

    /** The zone's average power over the last averaging interval, in µW; only asked of monitored zones. */
    int power(String zoneKey) throws ScmiException;

    /** Starts reporting caps the platform set itself and the end of each averaging interval. */
    void addListener(PowercapListener listener);

    /** Stops reporting to {@code listener}; a call already in progress may still complete. */
    void removeListener(PowercapListener listener);
}
