package org.scmi.api.clock;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.scmi.api.ScmiException;

/**
 * Clocks of a board, registered as an OSGi service by the board's driver bundle. The protocol
 * bundle checks every request against the {@link Clock} description, arbitrates between agents,
 * and asks the driver only for what the hardware should do; a driver never sees which agent asked.
 *
 * <p>The list of clocks is fixed for the life of the service: a driver whose clocks change
 * unregisters and registers again (a DS component does so when its configuration changes).
 * Every method may throw {@link ScmiException} with NOT_FOUND for an unknown key or
 * HARDWARE_ERROR when the hardware fails.
 */
@ConsumerType
public interface ClockDriver {

    /**
     * Service property (String): the key that orders this driver's clocks among those of other
     * drivers. Keys are unique among the drivers of a platform; see the package documentation.
     */
    String DRIVER_KEY = "scmi.driver.key";

    /** The clocks, in the order their ids are assigned. Same result on every call. */
    List<Clock> clocks();

    /** Current rate in Hz. */
    long rate(String clockKey) throws ScmiException;

    /**
     * Sets the rate to {@code rate} Hz, one of the rates {@link Clock#rates()} describes, and
     * returns once the clock runs at it. May block as long as the hardware needs. Changes made
     * here are not reported to the listeners.
     */
    void setRate(String clockKey, long rate) throws ScmiException;

    /** Whether the clock runs. */
    boolean enabled(String clockKey) throws ScmiException;

    /** Starts or stops the clock. May block. */
    void setEnabled(String clockKey, boolean enabled) throws ScmiException;

    /** Key of the current parent, one of {@link Clock#parents()}; only asked for clocks with parents. */
    String parent(String clockKey) throws ScmiException;

    /** Switches to the parent with key {@code parentKey}, one of {@link Clock#parents()}. May block. */
    void setParent(String clockKey, String parentKey) throws ScmiException;

    /** Starts reporting rate changes the protocol did not make (the platform, another master). */
    void addListener(ClockListener listener);

    /** Stops reporting to {@code listener}; a call already in progress may still complete. */
    void removeListener(ClockListener listener);
}
