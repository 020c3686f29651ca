package org.scmi.transport.xen.backend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.scmi.transport.xen.hypervisor.XenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices described in configuration instead of XenStore (dom0less guests, or a host without
 * xenstored), one entry per device: {@code domid=5,base=0x2000000,irq=33,grant_usage=1} with
 * optional {@code devid=0} and {@code name=guest-name}. A device whose guest cannot be served yet
 * (the domain is still being built) is retried until it can. A device a previous server process
 * recorded is taken over; a recorded static device that is no longer configured is forgotten.
 */
public final class StaticDevices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StaticDevices.class);
    private static final Set<String> KEYS = Set.of("domid", "devid", "base", "irq", "grant_usage", "name");
    private static final long RETRY_SECONDS = 5;
    private static final long TERMINATION_SECONDS = 5;

    /** A parsed entry. */
    public record Entry(DeviceDescription description, String name) {
    }

    private final XenBackend backend;
    private final List<Entry> entries;
    private final ScheduledExecutorService retries =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("xen-static-devices").factory());

    public StaticDevices(XenBackend backend, List<Entry> entries) {
        this.backend = backend;
        this.entries = List.copyOf(entries);
    }

    /**
     * Parses the configured entries.
     *
     * @param property the configuration property, for error messages
     * @throws IllegalArgumentException naming the property, the entry and the key that is wrong
     */
    public static List<Entry> parse(String property, String[] values) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            String where = property + "[" + i + "] '" + values[i] + "'";
            Map<String, String> keys = new HashMap<>();
            for (String pair : values[i].split(",")) {
                int equals = pair.indexOf('=');
                String key = equals < 0 ? pair.trim() : pair.substring(0, equals).trim();
                if (equals < 0 || !KEYS.contains(key)) {
                    throw new IllegalArgumentException(where + ": '" + pair.trim() + "' is not one of " + KEYS
                            + " as key=value");
                }
                keys.put(key, pair.substring(equals + 1).trim());
            }
            try {
                int domid = (int) required(keys, "domid");
                DeviceDescription description = new DeviceDescription(domid,
                        keys.containsKey("devid") ? (int) number(keys, "devid") : 0, required(keys, "base"),
                        (int) required(keys, "irq"), keys.containsKey("grant_usage") && number(keys, "grant_usage") != 0);
                out.add(new Entry(description, keys.getOrDefault("name", "dom" + domid)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static long required(Map<String, String> keys, String key) {
        if (!keys.containsKey(key)) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return number(keys, key);
    }

    private static long number(Map<String, String> keys, String key) {
        try {
            return DeviceDescription.parseNumber(keys.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' = '" + keys.get(key) + "' is not a number");
        }
    }

    /** Serves every entry, retrying the ones whose guest is not ready; forgets recorded ones not listed. */
    public void start() {
        backend.settle(StateRecords.Source.STATIC,
                entries.stream().map(entry -> entry.description().key()).collect(Collectors.toSet()));
        for (Entry entry : entries) {
            retries.execute(() -> serve(entry, true));
        }
    }

    private void serve(Entry entry, boolean first) {
        try {
            backend.serve(entry.description(), entry.name(), StateRecords.Source.STATIC, driverOk -> LOG.info(
                    "{}: driver {}", entry.description().key(), driverOk ? "ready" : "not ready"));
        } catch (XenException e) {
            if (first) {
                LOG.warn("{}: not served yet ({}), retrying every {} s", entry.description().key(), e.getMessage(),
                        RETRY_SECONDS);
            }
            retries.schedule(() -> serve(entry, false), RETRY_SECONDS, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            LOG.error("{}: {}", entry.description().key(), e.getMessage());
        }
    }

    /** Stops retrying; the devices are left to the next server process with the backend. */
    public void handOver() {
        retries.shutdownNow();
        try {
            retries.awaitTermination(TERMINATION_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops retrying and stops serving every entry. */
    @Override
    public void close() {
        handOver();
        entries.forEach(entry -> backend.remove(entry.description()));
    }
}
