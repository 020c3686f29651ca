package org.scmi.clock;

import java.util.Comparator;
import org.scmi.api.clock.ClockDriver;

/**
 * A driver's place in the clock list: its key, and the service while it is bound.
 *
 * @param driver the service, or null while a keyed driver is away (its bundle being replaced)
 * @param driverKey its {@link ClockDriver#DRIVER_KEY}, or null
 * @param serviceId its service id, ordering drivers without a key
 */
record BoundDriver(ClockDriver driver, String driverKey, long serviceId) implements Comparable<BoundDriver> {

    private static final Comparator<BoundDriver> ORDER = Comparator
            .comparing(BoundDriver::driverKey, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparingLong(BoundDriver::serviceId);

    /** The key settings are kept under: the driver key, or the service id for a driver without one. */
    String key() {
        return driverKey != null ? driverKey : "service." + serviceId;
    }

    /** The same place with the driver gone. */
    BoundDriver away() {
        return new BoundDriver(null, driverKey, serviceId);
    }

    @Override
    public int compareTo(BoundDriver other) {
        return ORDER.compare(this, other);
    }
}
