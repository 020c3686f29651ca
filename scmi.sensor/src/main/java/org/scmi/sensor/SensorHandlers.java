package org.scmi.sensor;

import static org.scmi.sensor.SensorMessages.AXIS_DESCRIPTION_GET;
import static org.scmi.sensor.SensorMessages.AXIS_LIST_COUNTS;
import static org.scmi.sensor.SensorMessages.AXIS_NAME_GET;
import static org.scmi.sensor.SensorMessages.CONFIG_GET;
import static org.scmi.sensor.SensorMessages.CONFIG_SET;
import static org.scmi.sensor.SensorMessages.CONTINUOUS_UPDATE_NOTIFY;
import static org.scmi.sensor.SensorMessages.DESCRIPTION_GET;
import static org.scmi.sensor.SensorMessages.LIST_COUNTS;
import static org.scmi.sensor.SensorMessages.LIST_UPDATE_INTERVALS;
import static org.scmi.sensor.SensorMessages.NAME_GET;
import static org.scmi.sensor.SensorMessages.PROTOCOL_ATTRIBUTES;
import static org.scmi.sensor.SensorMessages.READING_GET;
import static org.scmi.sensor.SensorMessages.TRIP_POINT_CONFIG;
import static org.scmi.sensor.SensorMessages.TRIP_POINT_NOTIFY;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.scmi.api.Agent;
import org.scmi.api.MessageHandler;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiRequest;
import org.scmi.api.ScmiStatus;
import org.scmi.api.sensor.SensorAxis;
import org.scmi.api.sensor.SensorReading;
import org.scmi.support.DriverArrivals;
import org.scmi.support.Paging;

/**
 * The Sensor management protocol's messages, one handler per message id. Settings are per agent;
 * notifications and asynchronous reads exist only for agents with an event channel. A read of a
 * sensor whose driver is away (its bundle being replaced) waits for the driver up to the grace
 * period; every other message is answered from the sensor's description and the agent's settings.
 */
final class SensorHandlers {
    /** PROTOCOL_ATTRIBUTES: bits 15:0 sensor count, 23:16 outstanding async reads. */
    static final int MAX_ASYNC_SHIFT = 16;
    /** SENSOR_NAME_GET flags word before the name: reserved, 0. */
    static final int NAME_FLAGS = 0;

    private final SensorCatalog catalog;
    private final SettingsStore settings;
    private final SensorMonitor monitor;
    private final AsyncReads asyncReads;
    private final DriverArrivals arrivals;
    private final Supplier<Duration> driverGrace;
    private final Map<Integer, MessageHandler> handlers;

    SensorHandlers(SensorCatalog catalog, SettingsStore settings, SensorMonitor monitor, AsyncReads asyncReads,
            DriverArrivals arrivals, Supplier<Duration> driverGrace) {
        this.catalog = catalog;
        this.settings = settings;
        this.monitor = monitor;
        this.asyncReads = asyncReads;
        this.arrivals = arrivals;
        this.driverGrace = driverGrace;
        this.handlers = Map.ofEntries(
                Map.entry(PROTOCOL_ATTRIBUTES, MessageHandler.of(0, this::protocolAttributes)),
                Map.entry(DESCRIPTION_GET, MessageHandler.of(4, this::descriptionGet)),
                Map.entry(TRIP_POINT_NOTIFY, MessageHandler.of(8, this::tripPointNotify)),
                Map.entry(TRIP_POINT_CONFIG, MessageHandler.of(16, this::tripPointConfig)),
                Map.entry(READING_GET, MessageHandler.of(8, this::readingGet)),
                Map.entry(AXIS_DESCRIPTION_GET, MessageHandler.of(8, this::axisDescriptionGet)),
                Map.entry(LIST_UPDATE_INTERVALS, MessageHandler.of(8, this::listUpdateIntervals)),
                Map.entry(CONFIG_GET, MessageHandler.of(4, this::configGet)),
                Map.entry(CONFIG_SET, MessageHandler.of(8, this::configSet)),
                Map.entry(CONTINUOUS_UPDATE_NOTIFY, MessageHandler.of(8, this::continuousUpdateNotify)),
                Map.entry(NAME_GET, MessageHandler.of(4, this::nameGet)),
                Map.entry(AXIS_NAME_GET, MessageHandler.of(8, this::axisNameGet)));
    }

    /** The handler for a message id; notify commands only for agents with an event channel. */
    MessageHandler handler(int messageId, Agent agent) {
        boolean notify = messageId == TRIP_POINT_NOTIFY || messageId == CONTINUOUS_UPDATE_NOTIFY;
        return notify && !agent.hasEventChannel() ? null : handlers.get(messageId);
    }

    private void protocolAttributes(ScmiRequest request, Reply reply) throws ScmiException {
        int maxAsync = request.agent().hasEventChannel() ? AsyncReads.MAX_PENDING : 0;
        // No sensor shared memory: address low, address high and length are 0.
        reply.u32(catalog.sensors().size() | maxAsync << MAX_ASYNC_SHIFT).u32(0).u32(0).u32(0);
    }

    private void descriptionGet(ScmiRequest request, Reply reply) throws ScmiException {
        int index = request.parameters().u32();
        List<Sensor> sensors = catalog.sensors();
        // With no sensors, index 0 answers an empty list: the client's enumeration then ends cleanly.
        if (Integer.compareUnsigned(index, sensors.size()) >= 0 && !(index == 0 && sensors.isEmpty())) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "sensor index " + Integer.toUnsignedString(index)
                    + " of " + sensors.size());
        }
        boolean events = request.agent().hasEventChannel();
        Paging.write(reply, LIST_COUNTS, sensors, index, sensor -> DescriptorCodec.size(sensor.info()),
                (out, i, sensor) -> DescriptorCodec.writeSensor(out, sensor, events, events));
    }

    private void tripPointNotify(ScmiRequest request, Reply reply) throws ScmiException {
        Sensor sensor = sensor(request.parameters());
        boolean enable = notifyControl(request.parameters());
        if (sensor.info().tripPoints() == 0) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "sensor " + sensor.id() + " has no trip points");
        }
        settings.update(request.agent().id(), sensor, s -> s.withTripNotify(enable));
        monitor.refresh(request.agent().id(), sensor);
    }

    private void tripPointConfig(ScmiRequest request, Reply reply) throws ScmiException {
        Payload parameters = request.parameters();
        Sensor sensor = sensor(parameters);
        int control = parameters.u32();
        long threshold = parameters.u64();
        // The order of checks of every command: the id, then reserved bits, then what the sensor supports.
        if ((control & SensorMessages.TRIP_CTRL_RESERVED) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, String.format(
                    "reserved trip_ctrl bits set: 0x%08x", control));
        }
        if (sensor.info().tripPoints() == 0) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "sensor " + sensor.id() + " has no trip points");
        }
        int tripId = (control >>> SensorMessages.TRIP_ID_SHIFT) & SensorMessages.TRIP_ID_MASK;
        if (tripId >= sensor.info().tripPoints()) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "trip point " + tripId + " of sensor "
                    + sensor.id() + " which has " + sensor.info().tripPoints());
        }
        TripPoint tripPoint = new TripPoint(control & SensorMessages.TRIP_MODE_MASK, threshold);
        settings.update(request.agent().id(), sensor, s -> s.withTripPoint(tripId, tripPoint));
        monitor.refresh(request.agent().id(), sensor);
    }

    private void readingGet(ScmiRequest request, Reply reply) throws ScmiException {
        Sensor sensor = sensor(request.parameters());
        int flags = request.parameters().u32();
        if ((flags & ~SensorMessages.READ_ASYNC) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, String.format("reserved read flags: 0x%08x",
                    flags));
        }
        boolean async = (flags & SensorMessages.READ_ASYNC) != 0;
        if (async && !(sensor.info().slowRead() && request.agent().hasEventChannel())) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "sensor " + sensor.id()
                    + " is not read asynchronously");
        }
        SensorSettings current = settings.get(request.agent().id(), sensor);
        if (!current.enabled()) {
            throw new ScmiException(ScmiStatus.PROTOCOL_ERROR, "sensor " + sensor.id() + " is disabled");
        }
        sensor = withDriver(sensor);
        if (async) {
            asyncReads.start(request, sensor, current.timestamps());
            return;
        }
        SensorReading reading;
        try {
            reading = monitor.read(sensor);
        } catch (IOException e) {
            throw new ScmiException(ScmiStatus.HARDWARE_ERROR, e.getMessage());
        }
        ReadingCodec.write(reply, reading, current.timestamps());
    }

    private void axisDescriptionGet(ScmiRequest request, Reply reply) throws ScmiException {
        Sensor sensor = sensor(request.parameters());
        int index = axisIndex(sensor, request.parameters());
        Paging.write(reply, AXIS_LIST_COUNTS, sensor.info().axes(), index, DescriptorCodec::axisSize,
                DescriptorCodec::writeAxis);
    }

    private void listUpdateIntervals(ScmiRequest request, Reply reply) throws ScmiException {
        Sensor sensor = sensor(request.parameters());
        int index = request.parameters().u32();
        List<Duration> intervals = sensor.info().updateIntervals();
        if (Integer.compareUnsigned(index, intervals.size()) >= 0) {
            throw new ScmiException(ScmiStatus.OUT_OF_RANGE, "update interval " + Integer.toUnsignedString(index)
                    + " of " + intervals.size());
        }
        Paging.write(reply, LIST_COUNTS, intervals, index, interval -> Integer.BYTES,
                (out, i, interval) -> out.u32(IntervalCodec.intervalWord(interval)));
    }

    private void configGet(ScmiRequest request, Reply reply) throws ScmiException {
        Sensor sensor = sensor(request.parameters());
        SensorSettings current = settings.get(request.agent().id(), sensor);
        reply.u32(SensorConfig.encode(current.enabled(), current.timestamps(), current.interval()));
    }

    private void configSet(ScmiRequest request, Reply reply) throws ScmiException {
        Sensor sensor = sensor(request.parameters());
        int word = request.parameters().u32();
        if ((word & SensorConfig.SET_RESERVED) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, String.format(
                    "reserved sensor_config bits set: 0x%08x", word));
        }
        boolean timestamps = (word & SensorConfig.TIMESTAMPS) != 0;
        if (timestamps && !sensor.info().timestamped()) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "sensor " + sensor.id() + " has no timestamps");
        }
        IntervalCodec.Scaled requested = SensorConfig.requestedInterval(word);
        Duration interval = requested == null ? null
                : UpdateIntervals.pick(sensor.info().updateIntervals(), requested.toDuration(),
                        SensorConfig.rounding(word));
        boolean enabled = (word & SensorConfig.ENABLED) != 0;
        settings.update(request.agent().id(), sensor,
                s -> s.withConfig(enabled, timestamps, interval == null ? s.interval() : interval));
        monitor.refresh(request.agent().id(), sensor);
    }

    private void continuousUpdateNotify(ScmiRequest request, Reply reply) throws ScmiException {
        Sensor sensor = sensor(request.parameters());
        boolean enable = notifyControl(request.parameters());
        settings.update(request.agent().id(), sensor, s -> s.withContinuousNotify(enable));
        monitor.refresh(request.agent().id(), sensor);
    }

    private void nameGet(ScmiRequest request, Reply reply) throws ScmiException {
        Sensor sensor = sensor(request.parameters());
        reply.u32(NAME_FLAGS).name(sensor.info().name(), Reply.EXTENDED_NAME);
    }

    private void axisNameGet(ScmiRequest request, Reply reply) throws ScmiException {
        Sensor sensor = sensor(request.parameters());
        int index = axisIndex(sensor, request.parameters());
        Paging.write(reply, AXIS_LIST_COUNTS, sensor.info().axes(), index, axis -> DescriptorCodec.AXIS_NAME_SIZE,
                DescriptorCodec::writeAxisName);
    }

    /** Reads a sensor_id parameter: NOT_FOUND unless it names a listed sensor. */
    private Sensor sensor(Payload parameters) throws ScmiException {
        int id = parameters.u32();
        return catalog.sensor(id).orElseThrow(() -> new ScmiException(ScmiStatus.NOT_FOUND,
                "no sensor " + Integer.toUnsignedString(id)));
    }

    /** The sensor with its driver: waits for a driver that is away, up to the grace period; HARDWARE_ERROR after. */
    private Sensor withDriver(Sensor sensor) throws ScmiException {
        if (sensor.driver() != null) {
            return sensor;
        }
        return arrivals.awaitDriver(() -> catalog.byUid(sensor.uid()).filter(s -> s.driver() != null).orElse(null),
                driverGrace.get(), "driver of sensor " + sensor.uid());
    }

    /** Reads an axis_desc_index: NOT_SUPPORTED for a scalar sensor, INVALID_PARAMETERS past the axes. */
    private static int axisIndex(Sensor sensor, Payload parameters) throws ScmiException {
        int index = parameters.u32();
        List<SensorAxis> axes = sensor.info().axes();
        if (axes.isEmpty()) {
            throw new ScmiException(ScmiStatus.NOT_SUPPORTED, "sensor " + sensor.id() + " has no axes");
        }
        if (Integer.compareUnsigned(index, axes.size()) >= 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, "axis " + Integer.toUnsignedString(index)
                    + " of " + axes.size());
        }
        return index;
    }

    /** Reads an event_control word: bit 0 enables, the other bits are reserved. */
    private static boolean notifyControl(Payload parameters) throws ScmiException {
        int control = parameters.u32();
        if ((control & ~SensorMessages.NOTIFY_ENABLE) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS, String.format(
                    "reserved event_control bits set: 0x%08x", control));
        }
        return control == SensorMessages.NOTIFY_ENABLE;
    }
}
