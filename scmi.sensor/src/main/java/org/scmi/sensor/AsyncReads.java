package org.scmi.sensor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.scmi.api.Agent;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.scmi.api.sensor.SensorReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous SENSOR_READING_GET: the driver is read on a virtual thread and the result goes to
 * the agent as a delayed response (type 2, the command's token): status, sensor_id, readings; or
 * the status alone when there is no reading (the one the driver answered, HARDWARE_ERROR for a
 * driver fault). A read that takes longer than {@link #DEADLINE} is answered HARDWARE_ERROR, so the
 * delayed response always arrives before Linux gives up on it (2 s).
 */
final class AsyncReads {
    static final Duration DEADLINE = Duration.ofMillis(1500);
    /** Reads one agent may have outstanding (PROTOCOL_ATTRIBUTES bits 23:16). */
    static final int MAX_PENDING = 16;
    /** A failed delayed response carries its status alone. */
    static final int STATUS_SIZE = 4;
    /** A successful delayed response: status, sensor_id, then the readings. */
    static final int DELAYED_HEADER_SIZE = 8;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncReads.class);

    /** Reads a sensor's driver (the monitor, which learns every value for trip points). */
    @FunctionalInterface
    interface SensorReader {
        SensorReading read(Sensor sensor) throws ScmiException;
    }

    private final Executor readers;
    private final Duration deadline;
    private final SensorReader reader;
    private final ConcurrentMap<Integer, AtomicInteger> pending = new ConcurrentHashMap<>();

    AsyncReads(Executor readers, Duration deadline, SensorReader reader) {
        this.readers = readers;
        this.deadline = deadline;
        this.reader = reader;
    }

    /**
     * Starts a read; BUSY when the agent already has {@link #MAX_PENDING} reads outstanding.
     *
     * @param sensorId the id the agent asked for, which the delayed response repeats
     */
    void start(ScmiRequest request, int sensorId, Sensor sensor, boolean timestamps) throws ScmiException {
        Agent agent = request.agent();
        AtomicInteger outstanding = pending.computeIfAbsent(agent.id(), id -> new AtomicInteger());
        if (outstanding.incrementAndGet() > MAX_PENDING) {
            outstanding.decrementAndGet();
            throw new ScmiException(ScmiStatus.BUSY, "agent " + agent.id() + " has " + MAX_PENDING
                    + " sensor reads outstanding");
        }
        int header = ScmiHeader.delayedResponseFor(request.header());
        CompletableFuture.supplyAsync(() -> {
            try {
                return reader.read(sensor);
            } catch (ScmiException e) {
                throw new CompletionException(e);
            }
        }, readers).orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS).whenComplete((reading, failure) -> {
            outstanding.decrementAndGet();
            byte[] payload = failure == null ? success(sensorId, sensor, reading, timestamps)
                    : failure(sensor, failure);
            if (!agent.sendEvent(header, payload)) {
                LOG.debug("agent {} did not take the delayed reading of sensor {}", agent.id(), sensor.uid());
            }
        });
    }

    private static byte[] success(int sensorId, Sensor sensor, SensorReading reading, boolean timestamps) {
        return EventPayload.of(DELAYED_HEADER_SIZE + ReadingCodec.size(sensor.info()), payload -> {
            payload.u32(ScmiStatus.SUCCESS.code()).u32(sensorId);
            ReadingCodec.write(payload, reading, timestamps);
        });
    }

    private byte[] failure(Sensor sensor, Throwable failure) {
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        ScmiStatus status = ScmiStatus.HARDWARE_ERROR;
        if (cause instanceof TimeoutException) {
            LOG.warn("sensor {} did not answer within {} ms", sensor.uid(), deadline.toMillis());
        } else {
            if (cause instanceof ScmiException answered) {
                status = answered.status();
            }
            LOG.warn("reading sensor {} failed: {}", sensor.uid(), cause.getMessage());
        }
        int word = status.code();
        return EventPayload.of(STATUS_SIZE, payload -> payload.u32(word));
    }
}
