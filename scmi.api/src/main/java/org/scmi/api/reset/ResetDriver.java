package org.scmi.api.reset;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.scmi.api.ScmiException;

/**
 * Reset domains of a board, registered as an OSGi service by the board's driver bundle. The
 * protocol checks every request against the {@link ResetDomain} description, arbitrates between
 * agents that hold a domain in reset, and asks the driver only for what the reset line should do; a
 * driver never sees which agent asked.
 *
 * <p>The list of domains is fixed for the life of the service: a driver whose domains change
 * unregisters and registers again. Every method may throw {@link ScmiException} with NOT_FOUND for
 * an unknown key or HARDWARE_ERROR when the hardware fails.
 */
@ConsumerType
public interface ResetDriver {

    /** Service property (String): orders this driver's domains among those of other drivers. */
    String DRIVER_KEY = "scmi.driver.key";

    /** The domains, in the order their ids are assigned. Same result on every call. */
    List<ResetDomain> domains();

    /**
     * An autonomous reset: asserts the line, keeps it for as long as the hardware needs and releases
     * it, returning once the device is out of reset. May block up to the domain's latency.
     *
     * @param resetState a state the domain {@linkplain ResetDomain#accepts accepts}
     */
    void reset(String domainKey, int resetState) throws ScmiException;

    /**
     * Holds the line asserted, or releases it. Returns once the line is there.
     *
     * @param resetState a state the domain {@linkplain ResetDomain#accepts accepts}
     */
    void setAsserted(String domainKey, boolean asserted, int resetState) throws ScmiException;

    /** Whether the line is asserted now. */
    boolean asserted(String domainKey) throws ScmiException;

    /** Starts reporting resets the protocol did not ask for (a watchdog, the platform). */
    void addListener(ResetListener listener);

    /** Stops reporting to {@code listener}; a call already in progress may still complete. */
    void removeListener(ResetListener listener);
}
