package org.scmi.api.perf;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.scmi.api.ScmiException;

/**
 * Performance domains of a board, registered as an OSGi service by the board's driver bundle. The
 * protocol bundle arbitrates between agents (see the package documentation) and asks the driver
 * only for the level the hardware should run at; a driver never sees which agent asked.
 *
 * <p>The list of domains is fixed for the life of the service: a driver whose domains change
 * unregisters and registers again. Every method may throw {@link ScmiException} with NOT_FOUND for
 * an unknown key or HARDWARE_ERROR when the hardware fails.
 */
@ConsumerType
public interface PerfDriver {

    /**
     * Service property (String): the key that orders this driver's domains among those of other
     * drivers. Keys are unique among the drivers of a platform; see the package documentation.
     */
    String DRIVER_KEY = "scmi.driver.key";

    /** The domains, in the order their ids are assigned. Same result on every call. */
    List<PerfDomain> domains();

    /** The level the domain runs at now: the value of one of its levels. */
    int level(String domainKey) throws ScmiException;

    /**
     * Runs the domain at {@code level}, one of its levels within {@link #limits}, and returns once it
     * runs there (at most the level's latency). Changes made here are not reported to the listeners.
     */
    void setLevel(String domainKey, int level) throws ScmiException;

    /**
     * The platform's own limits on the domain (thermal, power capping, the administrator): no agent
     * runs the domain outside them. The whole range when the platform imposes none.
     */
    PerfLimits limits(String domainKey) throws ScmiException;

    /** Starts reporting changes the protocol did not make. */
    void addListener(PerfListener listener);

    /** Stops reporting to {@code listener}; a call already in progress may still complete. */
    void removeListener(PerfListener listener);
}
