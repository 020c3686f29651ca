package org.scmi.api.system;

import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;
import org.scmi.api.ScmiException;

/**
 * What the board does when the platform decides the whole system changes power state, registered
 * as an OSGi service by the board's driver bundle. The protocol decides whether an agent may ask
 * (only a trusted agent may), tells the other agents, waits out a graceful request's timeout, and
 * only then calls {@link #enter}; a driver never sees which agent asked.
 *
 * <p>One board has one system: when several drivers are registered, the protocol uses the one whose
 * {@link #DRIVER_KEY} sorts first and logs that the others are ignored.
 */
@ConsumerType
public interface SystemPowerDriver {

    /** Service property (String): orders drivers when several are registered. */
    String DRIVER_KEY = "scmi.driver.key";

    /**
     * The transitions the board can carry out, among {@link SystemState#SHUTDOWN},
     * {@link SystemState#COLD_RESET}, {@link SystemState#WARM_RESET} and {@link SystemState#SUSPEND}.
     * Same result on every call. PROTOCOL_MESSAGE_ATTRIBUTES of SYSTEM_POWER_STATE_SET reports
     * warm reset and suspend from it.
     */
    Set<SystemState> transitions();

    /**
     * The state the system is in now: {@link SystemState#POWER_UP} while it runs.
     *
     * @throws ScmiException HARDWARE_ERROR if the board cannot tell
     */
    SystemState state() throws ScmiException;

    /**
     * Carries out a transition of {@link #transitions()}. May return before the board is there
     * (a real board may never return from a shutdown).
     *
     * @throws ScmiException HARDWARE_ERROR when the board cannot carry it out, DENIED when the board
     *     refuses it now (for example a suspend while a device cannot be suspended)
     */
    void enter(SystemState state) throws ScmiException;
}
