package org.scmi.sensor;

import java.util.Optional;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.sensor.SensorAxis;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.ValueRange;

/**
 * Sensor and axis descriptors (SENSOR_DESCRIPTION_GET, SENSOR_AXIS_DESCRIPTION_GET) and extended
 * names. Descriptor sizes follow the way Linux walks a reply: 28 bytes, plus the power word when
 * extended attributes are present, plus resolution and range for a scalar sensor (28 / 32 / 52).
 */
final class DescriptorCodec {
    /** attributes_low of a sensor descriptor. */
    static final int ASYNC_READ = 1 << 31;
    static final int CONTINUOUS_UPDATE = 1 << 30;
    static final int EXTENDED_NAME = 1 << 29;
    static final int TIMESTAMP_EXPONENT_SHIFT = 10;
    static final int TIMESTAMPED = 1 << 9;
    static final int EXTENDED_ATTRIBUTES = 1 << 8;
    static final int TRIP_POINTS_MASK = 0xFF;

    /** attributes_high of a sensor descriptor (unit and scale layout shared with axes). */
    static final int AXES_SHIFT = 16;
    static final int SCALE_SHIFT = 11;
    static final int MULTI_AXIS = 1 << 8;
    static final int EXPONENT_MASK = 0x1F;

    /** attributes_low of an axis descriptor. */
    static final int AXIS_EXTENDED_NAME = 1 << 9;
    static final int AXIS_EXTENDED_ATTRIBUTES = 1 << 8;

    /** Resolution word: bits 26:0 value, 31:27 exponent. */
    static final int RESOLUTION_EXPONENT_SHIFT = 27;

    static final int BASE_SIZE = 28;
    static final int POWER_SIZE = 4;
    static final int RANGE_SIZE = 20;
    static final int AXIS_BASE_SIZE = 28;
    static final int AXIS_EXTENDED_SIZE = 48;
    /** One SENSOR_AXIS_NAME_GET entry: axis id and a 64-byte name. */
    static final int AXIS_NAME_SIZE = 4 + Reply.EXTENDED_NAME;

    private DescriptorCodec() {
    }

    /** Whether the descriptor carries extended attributes: power, and for scalars the range. */
    static boolean extended(SensorInfo info) {
        return info.powerMicrowatts() != 0 || info.range().isPresent();
    }

    static int size(SensorInfo info) {
        if (!extended(info)) {
            return BASE_SIZE;
        }
        return info.axes().isEmpty() ? BASE_SIZE + POWER_SIZE + RANGE_SIZE : BASE_SIZE + POWER_SIZE;
    }

    /**
     * Writes a sensor descriptor.
     *
     * @param sensorId the id the agent knows the sensor by
     * @param async offer asynchronous reads (the agent can receive delayed responses)
     * @param notifications offer continuous update notifications (the agent can receive them)
     */
    static void writeSensor(Reply reply, int sensorId, Sensor sensor, boolean async, boolean notifications)
            throws ScmiException {
        SensorInfo info = sensor.info();
        int low = info.tripPoints() & TRIP_POINTS_MASK;
        if (async && info.slowRead()) {
            low |= ASYNC_READ;
        }
        if (notifications) {
            low |= CONTINUOUS_UPDATE;
        }
        if (needsExtendedName(info.name())) {
            low |= EXTENDED_NAME;
        }
        if (info.timestamped()) {
            low |= TIMESTAMPED | (ReadingCodec.TIMESTAMP_EXPONENT & EXPONENT_MASK) << TIMESTAMP_EXPONENT_SHIFT;
        }
        if (extended(info)) {
            low |= EXTENDED_ATTRIBUTES;
        }
        int high = unitAndScale(info.unit().code(), info.scale());
        if (!info.axes().isEmpty()) {
            high |= info.axes().size() << AXES_SHIFT | MULTI_AXIS;
        }
        reply.u32(sensorId).u32(low).u32(high).name(info.name(), Reply.SHORT_NAME);
        if (extended(info)) {
            reply.u32(info.powerMicrowatts());
            if (info.axes().isEmpty()) {
                writeRange(reply, info.range());
            }
        }
    }

    static int axisSize(SensorAxis axis) {
        return axis.range().isPresent() ? AXIS_EXTENDED_SIZE : AXIS_BASE_SIZE;
    }

    static void writeAxis(Reply reply, int axisId, SensorAxis axis) throws ScmiException {
        int low = 0;
        if (needsExtendedName(axis.name())) {
            low |= AXIS_EXTENDED_NAME;
        }
        if (axis.range().isPresent()) {
            low |= AXIS_EXTENDED_ATTRIBUTES;
        }
        reply.u32(axisId).u32(low).u32(unitAndScale(axis.unit().code(), axis.scale()))
                .name(axis.name(), Reply.SHORT_NAME);
        if (axis.range().isPresent()) {
            writeRange(reply, axis.range());
        }
    }

    static void writeAxisName(Reply reply, int axisId, SensorAxis axis) throws ScmiException {
        reply.u32(axisId).name(axis.name(), Reply.EXTENDED_NAME);
    }

    /** A name longer than the 15 characters of the short field is read with *_NAME_GET. */
    static boolean needsExtendedName(String name) {
        return name.length() >= Reply.SHORT_NAME;
    }

    private static int unitAndScale(int unitCode, int scale) {
        return (scale & EXPONENT_MASK) << SCALE_SHIFT | unitCode;
    }

    private static void writeRange(Reply reply, Optional<ValueRange> range) throws ScmiException {
        ValueRange known = range.orElse(new ValueRange(0, 0, ValueRange.NOT_REPORTED_MIN,
                ValueRange.NOT_REPORTED_MAX));
        reply.u32((known.resolutionExponent() & EXPONENT_MASK) << RESOLUTION_EXPONENT_SHIFT | known.resolution())
                .u64(known.min()).u64(known.max());
    }
}
