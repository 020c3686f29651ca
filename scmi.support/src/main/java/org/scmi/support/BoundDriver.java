package org.scmi.support;

import java.util.Comparator;
import java.util.Map;
import org.osgi.framework.Constants;

/**
 * A driver service's place in a protocol's resource list: its key, and the service while it is
 * bound.
 *
 * @param <D> the driver service type
 * @param driver the service, or null while a keyed driver is away (its bundle being replaced)
 * @param driverKey the driver's key service property, or null
 * @param serviceId its service id, ordering drivers without a key
 */
public record BoundDriver<D>(D driver, String driverKey, long serviceId) implements Comparable<BoundDriver<D>> {

    /** The service with the key it registered under {@code keyProperty}, and its service id. */
    public static <D> BoundDriver<D> of(D driver, Map<String, Object> properties, String keyProperty) {
        Object key = properties.get(keyProperty);
        long serviceId = ((Number) properties.getOrDefault(Constants.SERVICE_ID, 0L)).longValue();
        return new BoundDriver<>(driver, key == null ? null : key.toString(), serviceId);
    }

    /** The key settings are kept under: the driver key, or the service id for a driver without one. */
    public String key() {
        return driverKey != null ? driverKey : "service." + serviceId;
    }

    /**
     * Stable across restarts of the driver and of the protocol: what per-agent settings and
     * subscriptions of one of its resources are kept under.
     */
    public String settingKey(String resourceKey) {
        return key() + "/" + resourceKey;
    }

    public boolean present() {
        return driver != null;
    }

    /** The same place with the driver gone. */
    public BoundDriver<D> away() {
        return new BoundDriver<>(null, driverKey, serviceId);
    }

    /** Drivers with a key first, by key; then the others by service id. */
    @Override
    public int compareTo(BoundDriver<D> other) {
        return Comparator.comparing((BoundDriver<D> d) -> d.driverKey, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingLong(BoundDriver::serviceId).compare(this, other);
    }
}
