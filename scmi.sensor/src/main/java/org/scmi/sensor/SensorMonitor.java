package org.scmi.sensor;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.scmi.api.sensor.SensorReading;
import org.scmi.api.state.AgentStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the sensors agents want to hear about: for each agent and sensor with continuous updates
 * or armed trip points, samples the sensor at that agent's update interval, sends SENSOR_UPDATE,
 * and checks every agent's trip points against each new value it learns of (its own samples,
 * agents' reads, drivers' pushes).
 *
 * <p>Threads: one timer thread only schedules; every driver read runs on a virtual thread, and a
 * watch whose previous read has not finished skips its turn, so a slow or stuck driver delays only
 * its own sensor.
 *
 * <p>Live updates: the watches themselves belong to this instance, but what they follow does not:
 * agents' settings are in the state store, and so is each sensor's last value (under the platform,
 * {@value #LAST_VALUE}{@code <uid>}, put there when this instance {@link #stop stops}, and as they
 * come by reads still in progress then), so a new instance {@link #resume resumes} every watch and
 * no trip point crossing is missed across an update.
 *
 * <p>Order: reads overlap (a slow driver answers a sample after a push it did not see), so every
 * read takes a ticket before it asks the driver, and a value whose read began before the newest one
 * already observed is stale: it is answered to whoever asked but does not move the last value, which
 * would raise a spurious pair of trip point events.
 */
final class SensorMonitor {
    /** Shortest sampling period, whatever a driver lists: protects the host from a busy loop. */
    static final Duration MIN_PERIOD = Duration.ofMillis(1);
    /** Store key prefix, under the platform (agent 0), of a sensor's last value (first axis). */
    static final String LAST_VALUE = "last/";
    private static final int PLATFORM = 0;
    private static final Logger LOG = LoggerFactory.getLogger(SensorMonitor.class);

    private record WatchKey(int agentId, String uid) {
    }

    private record Watch(Duration period, ScheduledFuture<?> task) {
    }

    private final SensorCatalog catalog;
    private final SettingsStore settings;
    private final Notifier notifier;
    private final ScheduledExecutorService timer;
    private final Executor readers;
    private final AgentStateStore store;
    private final ConcurrentMap<WatchKey, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong tickets = new AtomicLong();
    /** Per sensor uid, its last value and the ticket of the read that gave it. */
    private final ConcurrentMap<String, LastValue> lastValues = new ConcurrentHashMap<>();
    /** Set once the instance stops: last values are stored as they come. */
    private volatile boolean stopped;

    SensorMonitor(SensorCatalog catalog, SettingsStore settings, AgentStateStore store, Notifier notifier,
            ScheduledExecutorService timer, Executor readers) {
        this.catalog = catalog;
        this.store = store;
        this.settings = settings;
        this.notifier = notifier;
        this.timer = timer;
        this.readers = readers;
    }

    /** Starts, re-times or stops the watch of one agent on one sensor after its settings changed. */
    void refresh(int agentId, Sensor sensor) {
        SensorSettings current = settings.get(agentId, sensor);
        boolean needed = current.watchesContinuously() || current.watchesTripPoints();
        Duration period = current.interval().compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : current.interval();
        watches.compute(new WatchKey(agentId, sensor.uid()), (key, old) -> {
            if (old != null && needed && old.period().equals(period)) {
                return old;
            }
            if (old != null) {
                old.task().cancel(false);
            }
            return needed ? start(key, period) : null;
        });
    }

    /** Starts the watch of every agent's settings that asks for one: a new instance carries on. */
    void resume() {
        settings.forEachSetting((agentId, uid) -> catalog.byUid(uid).ifPresent(sensor -> refresh(agentId, sensor)));
    }

    /** Stops every watch of an agent (reset, or the agent's settings were dropped). */
    void forget(int agentId) {
        watches.entrySet().removeIf(entry -> {
            if (entry.getKey().agentId() != agentId) {
                return false;
            }
            entry.getValue().task().cancel(false);
            return true;
        });
    }

    /**
     * Stops every watch and puts each sensor's last value into the state store for the next
     * instance; values this instance observes from now on (reads still in progress) go there at
     * once.
     */
    void stop() {
        watches.values().forEach(watch -> watch.task().cancel(false));
        watches.clear();
        stopped = true;
        lastValues.values().forEach(LastValue::save);
    }

    /** Reads a sensor from its driver and observes the value (see {@link #pushed}). */
    SensorReading read(Sensor sensor) throws IOException {
        long ticket = tickets.incrementAndGet();
        SensorReading reading = sensor.read();
        observe(sensor, reading, ticket);
        return reading;
    }

    /**
     * A driver's own new value of a sensor: every agent whose armed trip point lies between the
     * previous value and this one gets a trip point event. Multi-axis sensors are compared on their
     * first axis.
     */
    void pushed(Sensor sensor, SensorReading reading) {
        observe(sensor, reading, tickets.incrementAndGet());
    }

    private void observe(Sensor sensor, SensorReading reading, long ticket) {
        long value = reading.value();
        LastValue last = lastValue(sensor.uid());
        long before;
        synchronized (last) {
            if (!last.replace(value, ticket)) {
                return; // stale, or the first value: nothing was crossed
            }
            before = last.previous;
        }
        if (before == value) {
            return;
        }
        // An agent with armed trip points has a watch on the sensor (refresh starts one), so a value
        // costs nothing for the agents that do not watch it, however many guests are connected.
        // Loops, not lambdas: this runs on every read of the sensor.
        for (WatchKey watch : watches.keySet()) {
            if (!watch.uid().equals(sensor.uid())) {
                continue;
            }
            int agentId = watch.agentId();
            SensorSettings agentSettings = settings.stored(agentId, sensor.uid());
            if (agentSettings != null && agentSettings.watchesTripPoints()) {
                for (Map.Entry<Integer, TripPoint> trip : agentSettings.tripPoints().entrySet()) {
                    int crossing = trip.getValue().crossing(before, value);
                    if (crossing != 0) {
                        notifier.tripPoint(agentId, sensor.id(), trip.getKey(), crossing > 0);
                    }
                }
            }
        }
    }

    /**
     * A sensor's last value as this instance knows it. The state store (under the platform) gets it
     * when the instance stops, which is when a successor (an updated bundle) takes over, and not on
     * every read; the first read loads what a predecessor stored. Guarded by itself.
     */
    private final class LastValue {
        private final String storeKey;
        private boolean loaded;
        private boolean known;
        private long value;
        /** Whether the store holds {@link #value}. */
        private boolean stored = true;
        /** The ticket of the newest observed value. */
        private long ticket = Long.MIN_VALUE;
        /** The value before the last {@link #replace} that returned true. */
        long previous;

        LastValue(String uid) {
            this.storeKey = LAST_VALUE + uid;
        }

        /**
         * Records a new value, unless it is stale (its read began before the newest one observed).
         *
         * @return whether there was a value before it, now in {@link #previous}
         */
        boolean replace(long newValue, long newTicket) {
            if (newTicket < ticket) {
                return false;
            }
            ticket = newTicket;
            if (!loaded) {
                String kept = store.get(PLATFORM, SensorMessages.PROTOCOL_ID, storeKey);
                known = kept != null;
                value = known ? Long.parseLong(kept) : 0;
                loaded = true;
            }
            boolean hadValue = known;
            previous = value;
            if (!known || newValue != value) {
                stored = false;
            }
            known = true;
            value = newValue;
            if (stopped) {
                save();
            }
            return hadValue;
        }

        synchronized void save() {
            if (known && !stored) {
                store.put(PLATFORM, SensorMessages.PROTOCOL_ID, storeKey, Long.toString(value));
                stored = true;
            }
        }
    }

    private LastValue lastValue(String uid) {
        LastValue last = lastValues.get(uid);
        if (last == null) {
            last = lastValues.computeIfAbsent(uid, LastValue::new);
        }
        return last;
    }

    private Watch start(WatchKey key, Duration period) {
        AtomicBoolean reading = new AtomicBoolean();
        long nanos = period.toNanos();
        ScheduledFuture<?> task = timer.scheduleAtFixedRate(() -> {
            if (reading.compareAndSet(false, true)) {
                readers.execute(() -> {
                    try {
                        sample(key);
                    } finally {
                        reading.set(false);
                    }
                });
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
        return new Watch(period, task);
    }

    private void sample(WatchKey key) {
        Optional<Sensor> sensor = catalog.byUid(key.uid());
        if (sensor.isEmpty() || sensor.get().driver() == null) {
            return;
        }
        SensorReading reading;
        try {
            reading = read(sensor.get());
        } catch (IOException e) {
            LOG.debug("sampling sensor {} for agent {} failed: {}", key.uid(), key.agentId(), e.getMessage());
            return;
        }
        SensorSettings current = settings.get(key.agentId(), sensor.get());
        if (current.watchesContinuously()) {
            notifier.sensorUpdate(key.agentId(), sensor.get(), reading, current.timestamps());
        }
    }
}
