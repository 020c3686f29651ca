package org.scmi.api.power;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.scmi.api.ScmiException;

/**
 * Power domains of a board, registered as an OSGi service by the board's driver bundle. The
 * protocol bundle arbitrates between agents and asks the driver only for the state the hardware
 * should be in; a driver never sees which agent asked.
 *
 * <p>The list of domains is fixed for the life of the service: a driver whose domains change
 * unregisters and registers again (a DS component does so when its configuration changes).
 */
@ConsumerType
public interface PowerDomainDriver {

    /**
     * Service property (String): the key that orders this driver's domains among those of other
     * drivers. Keys are unique among the drivers of a platform; see the package documentation.
     */
    String DRIVER_KEY = "scmi.driver.key";

    /** The domains, in the order their ids are assigned. Same result on every call. */
    List<PowerDomain> domains();

    /**
     * The state the domain is in now, as a power state word (see {@link PowerState}).
     *
     * @throws ScmiException with NOT_FOUND for an unknown key, HARDWARE_ERROR if the hardware
     *     cannot be read
     */
    int state(String domainKey) throws ScmiException;

    /**
     * Puts the domain into {@code state}, one of {@link PowerDomain#states()}, and returns once it
     * is there. May block as long as the hardware needs. Changes made here are not reported to
     * the listeners: the caller knows about them.
     *
     * @throws ScmiException with HARDWARE_ERROR when the transition failed, BUSY when the domain
     *     cannot change now
     */
    void setState(String domainKey, int state) throws ScmiException;

    /** Starts reporting changes the protocol did not make (another master, the platform). */
    void addListener(PowerDomainListener listener);

    /** Stops reporting to {@code listener}; a call already in progress may still complete. */
    void removeListener(PowerDomainListener listener);
}
