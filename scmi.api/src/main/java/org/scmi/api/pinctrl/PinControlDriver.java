package org.scmi.api.pinctrl;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;
import org.scmi.api.ScmiException;

/**
 * A board's pin controller, registered as an OSGi service by the board's driver bundle. The
 * protocol bundle checks every request against the {@link PinController} description (types,
 * values, which function goes with which group), keeps who owns what, and asks the driver only for
 * what the hardware should do; a driver never sees which agent asked.
 *
 * <p>The description is fixed for the life of the service: a driver whose pins change unregisters
 * and registers again. Every method may throw {@link ScmiException} with NOT_FOUND for an unknown
 * key or HARDWARE_ERROR when the hardware fails.
 */
@ConsumerType
public interface PinControlDriver {

    /**
     * Service property (String): the key that orders this driver's pins, groups and functions among
     * those of other drivers. Keys are unique among the drivers of a platform.
     */
    String DRIVER_KEY = "scmi.driver.key";

    /** The pins, groups and functions. Same result on every call. */
    PinController controller();

    /** The value of config {@code type}, one of the pin's {@link Pin#configs()}. */
    long config(String pinKey, int type) throws ScmiException;

    /**
     * Applies configs to the pin, in order: each of a type the pin has, with a value in its range,
     * never {@link PinConfigTypes#INPUT_VALUE}. Settings that exclude each other in the hardware
     * (one bias, one drive mode) are the driver's to resolve: the last one applied wins. Changes
     * made here are not reported to the listeners.
     */
    void configure(String pinKey, List<PinConfig> configs) throws ScmiException;

    /** Key of the function the group is selected for, or empty when it has none. */
    Optional<String> function(String groupKey) throws ScmiException;

    /**
     * Key of the function the pin is switched to (through whichever of its groups was selected
     * last), or empty when the pin carries no function.
     */
    Optional<String> pinFunction(String pinKey) throws ScmiException;

    /**
     * Switches the group's pins to {@code functionKey}, one of the functions that list the group, or
     * to no function when empty. A group that shares pins with the group loses its selection.
     */
    void selectFunction(String groupKey, Optional<String> functionKey) throws ScmiException;

    /** Starts reporting changes the protocol did not make (the platform, another master). */
    void addListener(PinControlListener listener);

    /** Stops reporting to {@code listener}; a call already in progress may still complete. */
    void removeListener(PinControlListener listener);
}
