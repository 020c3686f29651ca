package org.scmi.api.voltage;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.scmi.api.ScmiException;

/**
 * Voltage domains of a board, registered as an OSGi service by the board's driver bundle. The
 * protocol checks every request against the {@link VoltageDomain} description, arbitrates between
 * agents, and asks the driver only for what the supply should do; a driver never sees which agent
 * asked.
 *
 * <p>The list of domains is fixed for the life of the service. Every method may throw
 * {@link ScmiException} with NOT_FOUND for an unknown key or HARDWARE_ERROR when the hardware fails.
 */
@ConsumerType
public interface VoltageDriver {

    /** Service property (String): orders this driver's domains among those of other drivers. */
    String DRIVER_KEY = "scmi.driver.key";

    /** The domains, in the order their ids are assigned. Same result on every call. */
    List<VoltageDomain> domains();

    /** The level the supply is set to, in µV. */
    int level(String domainKey) throws ScmiException;

    /**
     * Sets the level to {@code microvolts}, one the domain's levels support, and returns once the
     * supply is there. May block as long as the hardware needs. Not reported to the listeners.
     */
    void setLevel(String domainKey, int microvolts) throws ScmiException;

    /** Whether the supply is on. */
    boolean on(String domainKey) throws ScmiException;

    /** Switches the supply on or off. May block. Not reported to the listeners. */
    void setOn(String domainKey, boolean on) throws ScmiException;

    /** Starts reporting changes the protocol did not make (the platform, another master). */
    void addListener(VoltageListener listener);

    /** Stops reporting to {@code listener}; a call already in progress may still complete. */
    void removeListener(VoltageListener listener);
}
