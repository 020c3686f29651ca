package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.Scmi.AXIS_EXTENDED_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.AXIS_EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.AXIS_REMAINING_SHIFT;
import static org.scmi.launcher.e2e.Scmi.EXPONENT_MASK;
import static org.scmi.launcher.e2e.Scmi.EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.INTERVAL_SECONDS_SHIFT;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_OFF;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_ON;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SENSOR;
import static org.scmi.launcher.e2e.Scmi.SENSOR_ASYNC_READ;
import static org.scmi.launcher.e2e.Scmi.SENSOR_AXES_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_AXIS_DESCRIPTION_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_AXIS_NAME_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONFIG_EXPONENT_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONFIG_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONFIG_ROUND_NEAREST;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONFIG_ROUND_UP;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONFIG_SECONDS_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONFIG_SET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONTINUOUS_UPDATE;
import static org.scmi.launcher.e2e.Scmi.SENSOR_CONTINUOUS_UPDATE_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.SENSOR_DESCRIPTION_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_ENABLED;
import static org.scmi.launcher.e2e.Scmi.SENSOR_EXTENDED_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.SENSOR_EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.SENSOR_LIST_UPDATE_INTERVALS;
import static org.scmi.launcher.e2e.Scmi.SENSOR_MAX_ASYNC_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_MULTI_AXIS;
import static org.scmi.launcher.e2e.Scmi.SENSOR_NAME_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READING_GET;
import static org.scmi.launcher.e2e.Scmi.SENSOR_READ_ASYNC;
import static org.scmi.launcher.e2e.Scmi.SENSOR_REMAINING_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_RESOLUTION_EXPONENT_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_SCALE_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TIMESTAMPED;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TIMESTAMPS;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TIMESTAMP_EXPONENT_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_ID_SHIFT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_ON_DOWNWARD;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_ON_UPWARD;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_POINT_CONFIG;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_POINT_EVENT;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_POINT_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.SENSOR_TRIP_UPWARD;
import static org.scmi.launcher.e2e.Scmi.SENSOR_UPDATE;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The whole Sensor management protocol (0x15, v3.1) through the running server, with two guests:
 * every message with its errors, byte for byte, paged descriptors, axes and intervals in small
 * buffers; SENSOR_TRIP_POINT_EVENT (trip points crossed by holding the sensor at values from the
 * admin shell) and SENSOR_UPDATE on the eventq of exactly the subscribed guest; the delayed
 * response of an asynchronous SENSOR_READING_GET. Every sensor holds a constant value.
 */
class SensorProtocolIT extends TwoGuests {
    private static final int VERSION = 0x3_0001;
    private static final int LOWEST_VERSION = 0x3_0000;
    /** Asynchronous reads an agent may have outstanding. */
    private static final int MAX_ASYNC_READS = 16;

    private static final String BOARD = """
            {
              "sensors": [
                { "name": "cpu_temp", "unit": "DEGREES_C", "scale": -3, "base": 45.5, "tripPoints": 2,
                  "updateIntervalsMs": [10, 100, 1000] },
                { "name": "board_power", "unit": "WATTS", "scale": -3, "base": 4.25, "readDelayMs": 20,
                  "powerMicrowatts": 1500, "min": 0, "max": 20, "resolution": 0.001 },
                { "name": "board_accelerometer", "unit": "METERS_PER_SECOND_SQUARED", "scale": -2,
                  "min": -20, "max": 20, "resolution": 0.01, "updateIntervalsMs": [10, 1000],
                  "axes": [ { "name": "accel_X", "base": 0.5 }, { "name": "accel_Y", "base": -0.25 },
                            { "name": "accelerometer_axis_Z", "base": 9.81 } ] },
                { "name": "core_volts", "unit": "VOLTS", "scale": -3, "base": 0.9, "timestamped": true }
              ]
            }
            """;
    private static final int SENSORS = 4;
    /** Unit codes of the board's units: °C, W, m/s², V. */
    private static final int DEGREES_C = 0x02;
    private static final int WATTS = 0x07;
    private static final int METERS_PER_SECOND_SQUARED = 0x59;
    private static final int VOLTS = 0x05;

    private static final int TEMP = 0;
    private static final String TEMP_NAME = "cpu_temp";
    private static final int TEMP_SCALE = -3;
    /** 45.5 °C in m°C. */
    private static final long TEMP_VALUE = 45_500;
    private static final int TEMP_TRIP_POINTS = 2;
    private static final int POWER = 1;
    private static final String POWER_NAME = "board_power";
    private static final int POWER_SCALE = -3;
    private static final long POWER_VALUE = 4_250;
    private static final int POWER_MICROWATTS = 1500;
    /** 0..20 W in mW, resolution 1 mW. */
    private static final long POWER_MIN = 0;
    private static final long POWER_MAX = 20_000;
    private static final int ACCEL = 2;
    private static final String ACCEL_NAME = "board_accelerometer";
    private static final int ACCEL_SCALE = -2;
    private static final String[] AXIS_NAMES = {"accel_X", "accel_Y", "accelerometer_axis_Z"};
    /** 0.5, -0.25 and 9.81 m/s² in cm/s²; range ±20 m/s², resolution 1 cm/s². */
    private static final long[] ACCEL_VALUES = {50, -25, 981};
    private static final long ACCEL_MIN = -2_000;
    private static final long ACCEL_MAX = 2_000;
    private static final int VOLTS_SENSOR = 3;
    private static final String VOLTS_NAME = "core_volts";
    private static final int VOLTS_SCALE = -3;
    private static final long VOLTS_VALUE = 900;
    /** Timestamps are microseconds: 10^-6 s. */
    private static final int TIMESTAMP_EXPONENT = -6;
    private static final long NO_TIMESTAMP = 0;
    /** Resolution 1 in the sensor's own scale. */
    private static final int UNIT_RESOLUTION = 1;

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int NAME_REPLY = RESPONSE_PREFIX + 4 + EXTENDED_NAME;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    /** One reading: value and timestamp, 64 bits each. */
    private static final int READING = 16;
    private static final int DESCRIPTOR = 28;
    private static final int EXTENDED_SCALAR_DESCRIPTOR = 52;
    private static final int EXTENDED_AXIS_DESCRIPTOR = 48;
    private static final byte[] NOTHING = new byte[0];

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void versionAttributesMessageAttributesAndNegotiation() throws Exception {
        a.call(SENSOR, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        // Sensors, outstanding asynchronous reads; no sensor shared memory (address low, high, length).
        a.call(SENSOR, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 16)
                .assertValues(Le.words(SENSORS | MAX_ASYNC_READS << SENSOR_MAX_ASYNC_SHIFT, 0, 0, 0));
        for (int message = PROTOCOL_VERSION; message <= SENSOR_AXIS_NAME_GET; message++) {
            a.call(SENSOR, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        a.call(SENSOR, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, NEGOTIATE_PROTOCOL_VERSION)
                .assertValues(Le.words(0));
        for (int message : new int[] {0xE, 0xF, 0x11}) {
            a.call(SENSOR, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertStatus(ScmiStatus.NOT_FOUND);
        }

        a.call(SENSOR, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, LOWEST_VERSION).assertValues(NOTHING);
        a.call(SENSOR, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(LOWEST_VERSION));
        b.call(SENSOR, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        a.call(SENSOR, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, VERSION + 1).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(SENSOR, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, 0x2_0000).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(SENSOR, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(SENSOR, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, VERSION).assertValues(NOTHING);
        a.call(SENSOR, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
    }

    /** All descriptors from index 0 as Linux asks: as many as fit in 128 bytes, then the rest. */
    @Test
    void descriptionsInLinuxSizedPages() throws Exception {
        // 124 bytes after the flags hold 28 + 52 + 28; the fourth descriptor comes next.
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, LINUX_RESPONSE_BUFFER, 0).assertValues(
                Le.words(3 | 1 << SENSOR_REMAINING_SHIFT).append(temp()).append(power(true)).append(accel()));
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, LINUX_RESPONSE_BUFFER, 3).assertValues(
                Le.words(1).append(volts()));
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, LINUX_RESPONSE_BUFFER, SENSORS)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, LINUX_RESPONSE_BUFFER, 0xFFFF_FFFF)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
    }

    /** A buffer with room for the largest descriptor: one or two per reply, whatever fits. */
    @Test
    void descriptionsInSmallPages() throws Exception {
        int buffer = RESPONSE_PREFIX + 4 + EXTENDED_SCALAR_DESCRIPTOR;
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, buffer, 0).assertValues(
                Le.words(1 | 3 << SENSOR_REMAINING_SHIFT).append(temp()));
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, buffer, 1).assertValues(
                Le.words(1 | 2 << SENSOR_REMAINING_SHIFT).append(power(true)));
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, buffer, 2).assertValues(
                Le.words(1 | 1 << SENSOR_REMAINING_SHIFT).append(accel()));
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, buffer, 3).assertValues(Le.words(1).append(volts()));
        // Room for a short descriptor only: the 52-byte one cannot be sent.
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, RESPONSE_PREFIX + 4 + DESCRIPTOR, 1)
                .assertStatus(ScmiStatus.COMMS_ERROR);
        a.call(SENSOR, SENSOR_DESCRIPTION_GET, RESPONSE_PREFIX + 4 + DESCRIPTOR, 0)
                .assertValues(Le.words(1 | 3 << SENSOR_REMAINING_SHIFT).append(temp()));
    }

    @Test
    void axisDescriptionsAndNamesInPages() throws Exception {
        // Two 48-byte axis descriptors fit in 124 bytes.
        a.call(SENSOR, SENSOR_AXIS_DESCRIPTION_GET, LINUX_RESPONSE_BUFFER, ACCEL, 0).assertValues(
                Le.words(2 | 1 << AXIS_REMAINING_SHIFT).append(axis(0)).append(axis(1)));
        a.call(SENSOR, SENSOR_AXIS_DESCRIPTION_GET, LINUX_RESPONSE_BUFFER, ACCEL, 2)
                .assertValues(Le.words(1).append(axis(2)));
        for (int index = 0; index < AXIS_NAMES.length; index++) {
            int remaining = AXIS_NAMES.length - index - 1;
            a.call(SENSOR, SENSOR_AXIS_DESCRIPTION_GET, RESPONSE_PREFIX + 4 + EXTENDED_AXIS_DESCRIPTOR, ACCEL, index)
                    .assertValues(Le.words(1 | remaining << AXIS_REMAINING_SHIFT).append(axis(index)));
            // Axis names are 4 + 64 bytes: one per 128-byte reply.
            a.call(SENSOR, SENSOR_AXIS_NAME_GET, LINUX_RESPONSE_BUFFER, ACCEL, index).assertValues(
                    Le.words(1 | remaining << AXIS_REMAINING_SHIFT, index).name(AXIS_NAMES[index], EXTENDED_NAME));
        }
        for (int message : new int[] {SENSOR_AXIS_DESCRIPTION_GET, SENSOR_AXIS_NAME_GET}) {
            a.call(SENSOR, message, LINUX_RESPONSE_BUFFER, ACCEL, AXIS_NAMES.length)
                    .assertStatus(ScmiStatus.INVALID_PARAMETERS);
            a.call(SENSOR, message, LINUX_RESPONSE_BUFFER, TEMP, 0).assertStatus(ScmiStatus.NOT_SUPPORTED);
            a.call(SENSOR, message, LINUX_RESPONSE_BUFFER, SENSORS, 0).assertStatus(ScmiStatus.NOT_FOUND);
        }
    }

    @Test
    void updateIntervalsInPages() throws Exception {
        // 10 ms, 100 ms, 1 s: 1 × 10^-2, 1 × 10^-1, 1 × 10^0 seconds.
        int[] intervals = {interval(1, -2), interval(1, -1), interval(1, 0)};
        a.call(SENSOR, SENSOR_LIST_UPDATE_INTERVALS, LINUX_RESPONSE_BUFFER, TEMP, 0)
                .assertValues(Le.words(intervals.length).append(Le.words(intervals).bytes()));
        for (int index = 0; index < intervals.length; index++) {
            int remaining = intervals.length - index - 1;
            a.call(SENSOR, SENSOR_LIST_UPDATE_INTERVALS, RESPONSE_PREFIX + 4 + 4, TEMP, index)
                    .assertValues(Le.words(1 | remaining << SENSOR_REMAINING_SHIFT, intervals[index]));
        }
        // Without a list in the board file, one second.
        a.call(SENSOR, SENSOR_LIST_UPDATE_INTERVALS, LINUX_RESPONSE_BUFFER, POWER, 0)
                .assertValues(Le.words(1, interval(1, 0)));
        a.call(SENSOR, SENSOR_LIST_UPDATE_INTERVALS, LINUX_RESPONSE_BUFFER, TEMP, intervals.length)
                .assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(SENSOR, SENSOR_LIST_UPDATE_INTERVALS, LINUX_RESPONSE_BUFFER, SENSORS, 0)
                .assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void namesGet() throws Exception {
        a.call(SENSOR, SENSOR_NAME_GET, NAME_REPLY, ACCEL).assertValues(Le.words(0).name(ACCEL_NAME, EXTENDED_NAME));
        a.call(SENSOR, SENSOR_NAME_GET, NAME_REPLY, TEMP).assertValues(Le.words(0).name(TEMP_NAME, EXTENDED_NAME));
        a.call(SENSOR, SENSOR_NAME_GET, NAME_REPLY, SENSORS).assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void synchronousReadings() throws Exception {
        a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, TEMP, 0)
                .assertValues(reading(TEMP_VALUE));
        // A slow sensor read synchronously: the command waits for it.
        a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, POWER, 0)
                .assertValues(reading(POWER_VALUE));
        a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + 3 * READING, ACCEL, 0)
                .assertValues(reading(ACCEL_VALUES));
        a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, SENSORS, 0).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, TEMP, 0x2)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, TEMP, SENSOR_READ_ASYNC)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
        // Three readings do not fit the room for one.
        a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, ACCEL, 0).assertStatus(ScmiStatus.COMMS_ERROR);
    }

    /**
     * An asynchronous read is answered at once with the status alone, then completed by a delayed
     * response on the requester's eventq only: the command's header as type 2 with its token,
     * status, sensor_id and the reading.
     */
    @Test
    void asynchronousReadCompletesWithADelayedResponse() throws Exception {
        Response accepted = b.call(SENSOR, SENSOR_READING_GET, STATUS_ONLY, POWER, SENSOR_READ_ASYNC);
        accepted.assertValues(NOTHING);
        b.awaitEvent(delayedReading(accepted, POWER, POWER_VALUE));
        a.assertNoEvent();

        // Two outstanding at once complete each with its own token.
        Response first = a.call(SENSOR, SENSOR_READING_GET, STATUS_ONLY, POWER, SENSOR_READ_ASYNC);
        Response second = a.call(SENSOR, SENSOR_READING_GET, STATUS_ONLY, POWER, SENSOR_READ_ASYNC);
        first.assertValues(NOTHING);
        second.assertValues(NOTHING);
        byte[] one = a.awaitEvent();
        byte[] other = a.awaitEvent();
        assertEquals(Set.of(Le.hex(delayedReading(first, POWER, POWER_VALUE).bytes()),
                Le.hex(delayedReading(second, POWER, POWER_VALUE).bytes())), Set.of(Le.hex(one), Le.hex(other)),
                "delayed responses");
        b.assertNoEvent();
    }

    @Test
    void configurationPerAgent() throws Exception {
        int oneSecond = config(1, 0);
        a.call(SENSOR, SENSOR_CONFIG_GET, ONE_WORD_REPLY, TEMP).assertValues(Le.words(oneSecond | SENSOR_ENABLED));
        // Exactly a listed interval, then rounding: 50 ms down is 10 ms, up 100 ms, nearest 10 ms.
        assertConfig(config(1, -2) | SENSOR_ENABLED, config(1, -2) | SENSOR_ENABLED);
        assertConfig(config(5, -2) | SENSOR_ENABLED, config(1, -2) | SENSOR_ENABLED);
        assertConfig(config(5, -2) | SENSOR_CONFIG_ROUND_UP | SENSOR_ENABLED, config(1, -1) | SENSOR_ENABLED);
        assertConfig(config(5, -2) | SENSOR_CONFIG_ROUND_NEAREST | SENSOR_ENABLED, config(1, -2) | SENSOR_ENABLED);
        // Interval 0: unchanged.
        assertConfig(SENSOR_ENABLED, config(1, -2) | SENSOR_ENABLED);
        b.call(SENSOR, SENSOR_CONFIG_GET, ONE_WORD_REPLY, TEMP).assertValues(Le.words(oneSecond | SENSOR_ENABLED));

        // Disabled for a only: a's reads fail, b's do not.
        a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, TEMP, 0).assertValues(NOTHING);
        a.call(SENSOR, SENSOR_CONFIG_GET, ONE_WORD_REPLY, TEMP).assertValues(Le.words(config(1, -2)));
        a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, TEMP, 0)
                .assertStatus(ScmiStatus.PROTOCOL_ERROR);
        b.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, TEMP, 0).assertValues(reading(TEMP_VALUE));

        // 5 ms: no interval at or below it.
        a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, TEMP, config(5, -3) | SENSOR_ENABLED)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, TEMP, 1 << 2 | SENSOR_ENABLED)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, TEMP, SENSOR_TIMESTAMPS | SENSOR_ENABLED)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, SENSORS, SENSOR_ENABLED).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, TEMP).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(SENSOR, SENSOR_CONFIG_GET, ONE_WORD_REPLY, SENSORS).assertStatus(ScmiStatus.NOT_FOUND);
    }

    private void assertConfig(int set, int expected) throws Exception {
        a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, TEMP, set).assertValues(NOTHING);
        a.call(SENSOR, SENSOR_CONFIG_GET, ONE_WORD_REPLY, TEMP).assertValues(Le.words(expected));
    }

    /** Timestamp reporting on: the reading carries the microseconds since the epoch at which it was taken. */
    @Test
    void timestampedReadings() throws Exception {
        int enabledWithTimestamps = config(1, 0) | SENSOR_TIMESTAMPS | SENSOR_ENABLED;
        a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, VOLTS_SENSOR, SENSOR_TIMESTAMPS | SENSOR_ENABLED)
                .assertValues(NOTHING);
        a.call(SENSOR, SENSOR_CONFIG_GET, ONE_WORD_REPLY, VOLTS_SENSOR).assertValues(Le.words(enabledWithTimestamps));
        long before = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        Response response = a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, VOLTS_SENSOR, 0);
        long after = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        long timestamp = Integer.toUnsignedLong(response.value(2)) | (long) response.value(3) << Integer.SIZE;
        assertTrue(timestamp >= before && timestamp <= after, timestamp + " not within " + before + ".." + after);
        response.assertValues(Le.words().u64(VOLTS_VALUE).u64(timestamp));
        b.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, VOLTS_SENSOR, 0)
                .assertValues(reading(VOLTS_VALUE));
    }

    @Test
    void tripPointAndNotifyErrors() throws Exception {
        a.call(SENSOR, SENSOR_TRIP_POINT_NOTIFY, STATUS_ONLY, SENSORS, NOTIFY_ON).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(SENSOR, SENSOR_TRIP_POINT_NOTIFY, STATUS_ONLY, TEMP, 0x2).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(SENSOR, SENSOR_TRIP_POINT_NOTIFY, STATUS_ONLY, POWER, NOTIFY_ON).assertStatus(ScmiStatus.NOT_SUPPORTED);

        tripPoint(a, SENSORS, 0, SENSOR_TRIP_ON_UPWARD, TEMP_VALUE).assertStatus(ScmiStatus.NOT_FOUND);
        tripPoint(a, TEMP, TEMP_TRIP_POINTS, SENSOR_TRIP_ON_UPWARD, TEMP_VALUE)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        // Reserved trip_ctrl bits 3:2 and 31:12.
        tripPoint(a, TEMP, 0, SENSOR_TRIP_ON_UPWARD | 1 << 2, TEMP_VALUE).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        tripPoint(a, TEMP, 0, SENSOR_TRIP_ON_UPWARD | 1 << 12, TEMP_VALUE)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        tripPoint(a, POWER, 0, SENSOR_TRIP_ON_UPWARD, POWER_VALUE).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(SENSOR, SENSOR_TRIP_POINT_CONFIG, STATUS_ONLY, TEMP, SENSOR_TRIP_ON_UPWARD, (int) TEMP_VALUE)
                .assertStatus(ScmiStatus.PROTOCOL_ERROR);

        a.call(SENSOR, SENSOR_CONTINUOUS_UPDATE_NOTIFY, STATUS_ONLY, SENSORS, NOTIFY_ON)
                .assertStatus(ScmiStatus.NOT_FOUND);
        a.call(SENSOR, SENSOR_CONTINUOUS_UPDATE_NOTIFY, STATUS_ONLY, TEMP, 0x8000_0001)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
    }

    /**
     * Trip points of guest a on the temperature, crossed by holding the simulated sensor at values
     * from the admin shell: each crossing in a direction the trip point watches raises a
     * SENSOR_TRIP_POINT_EVENT naming a (it configured the trip point), at once; b, not
     * subscribed, hears nothing.
     */
    @Test
    void tripPointEventsWhenTheSensorCrossesThem() throws Exception {
        long upAt = 50_000;
        long downAt = 40_000;
        // The sensor's value before the crossings.
        a.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, TEMP, 0).assertValues(reading(TEMP_VALUE));
        tripPoint(a, TEMP, 0, SENSOR_TRIP_ON_UPWARD, upAt).assertValues(NOTHING);
        tripPoint(a, TEMP, 1, SENSOR_TRIP_ON_DOWNWARD, downAt).assertValues(NOTHING);
        a.call(SENSOR, SENSOR_TRIP_POINT_NOTIFY, STATUS_ONLY, TEMP, NOTIFY_ON).assertValues(NOTHING);
        try {
            holdTemperature("55.0");
            a.awaitEvent(tripEvent(AGENT_A, TEMP, SENSOR_TRIP_UPWARD | 0));
            a.assertNoEvent();
            b.assertNoEvent();

            // Down across both: only trip point 1 watches downward crossings.
            holdTemperature("35.0");
            a.awaitEvent(tripEvent(AGENT_A, TEMP, 1));
            a.assertNoEvent();

            // Up across 40 °C only, which trip point 1 does not watch.
            holdTemperature("45.5");
            a.assertNoEvent();

            // Trip events off: crossings raise nothing.
            a.call(SENSOR, SENSOR_TRIP_POINT_NOTIFY, STATUS_ONLY, TEMP, NOTIFY_OFF).assertValues(NOTHING);
            holdTemperature("55.0");
            a.assertNoEvent();
            b.assertNoEvent();
        } finally {
            holdTemperature("45.5");
        }
    }

    private void holdTemperature(String celsius) throws Exception {
        assertEquals(TEMP_NAME + " held at " + celsius + "00; 'sensorAuto " + TEMP_NAME + "' lets it move again\n",
                server.admin("sensorSet " + TEMP_NAME + " " + celsius));
    }

    /**
     * Continuous updates at the 10 ms interval guest a chose: SENSOR_UPDATE with every axis'
     * reading, to a only. After a unsubscribes, its next event is the delayed response it asks for.
     */
    @Test
    void continuousUpdatesOfAMultiAxisSensor() throws Exception {
        Le update = Le.words(Scmi.notificationHeader(SENSOR, SENSOR_UPDATE), AGENT_A, ACCEL)
                .append(reading(ACCEL_VALUES).bytes());
        a.call(SENSOR, SENSOR_CONFIG_SET, STATUS_ONLY, ACCEL, config(1, -2) | SENSOR_ENABLED).assertValues(NOTHING);
        a.call(SENSOR, SENSOR_CONTINUOUS_UPDATE_NOTIFY, STATUS_ONLY, ACCEL, NOTIFY_ON).assertValues(NOTHING);
        a.awaitEvent(update);
        a.awaitEvent(update);
        b.assertNoEvent();

        a.call(SENSOR, SENSOR_CONTINUOUS_UPDATE_NOTIFY, STATUS_ONLY, ACCEL, NOTIFY_OFF).assertValues(NOTHING);
        Response accepted = a.call(SENSOR, SENSOR_READING_GET, STATUS_ONLY, POWER, SENSOR_READ_ASYNC);
        accepted.assertValues(NOTHING);
        String delayed = Le.hex(delayedReading(accepted, POWER, POWER_VALUE).bytes());
        // An update already on its way when a unsubscribed may come first; nothing else may.
        String event = Le.hex(a.awaitEvent());
        while (!event.equals(delayed)) {
            assertEquals(Le.hex(update.bytes()), event, "event before the delayed response");
            event = Le.hex(a.awaitEvent());
        }
        a.assertNoEvent();
        b.assertNoEvent();
    }

    /** A guest without VIRTIO_SCMI_F_P2A_CHANNELS: no notifications, no asynchronous reads. */
    @Test
    void aGuestWithoutAnEventQueue() throws Exception {
        b.close();
        b = server.connectBWithoutEventQueue();
        b.call(SENSOR, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 16).assertValues(Le.words(SENSORS, 0, 0, 0));
        b.call(SENSOR, SENSOR_DESCRIPTION_GET, RESPONSE_PREFIX + 4 + EXTENDED_SCALAR_DESCRIPTOR, POWER)
                .assertValues(Le.words(1 | 2 << SENSOR_REMAINING_SHIFT).append(power(false)));
        assertNoNotifyCommands(b, SENSOR, TEMP, SENSOR_TRIP_POINT_NOTIFY, SENSOR_CONTINUOUS_UPDATE_NOTIFY);
        b.call(SENSOR, SENSOR_READING_GET, STATUS_ONLY, POWER, SENSOR_READ_ASYNC).assertStatus(ScmiStatus.NOT_SUPPORTED);
        b.call(SENSOR, SENSOR_READING_GET, RESPONSE_PREFIX + READING, POWER, 0).assertValues(reading(POWER_VALUE));
    }

    private static Le temp() {
        return Le.words(TEMP, TEMP_TRIP_POINTS | SENSOR_CONTINUOUS_UPDATE, unit(DEGREES_C, TEMP_SCALE))
                .name(TEMP_NAME, SHORT_NAME);
    }

    /** The power sensor's 52-byte descriptor: extended attributes with power, resolution and range. */
    private static Le power(boolean events) {
        int low = SENSOR_EXTENDED_ATTRIBUTES | (events ? SENSOR_ASYNC_READ | SENSOR_CONTINUOUS_UPDATE : 0);
        return Le.words(POWER, low, unit(WATTS, POWER_SCALE)).name(POWER_NAME, SHORT_NAME).u32(POWER_MICROWATTS)
                .u32(resolution(UNIT_RESOLUTION, POWER_SCALE)).u64(POWER_MIN).u64(POWER_MAX);
    }

    private static Le accel() {
        return Le.words(ACCEL, SENSOR_CONTINUOUS_UPDATE | SENSOR_EXTENDED_NAME,
                AXIS_NAMES.length << SENSOR_AXES_SHIFT | SENSOR_MULTI_AXIS | unit(METERS_PER_SECOND_SQUARED, ACCEL_SCALE))
                .name(Scmi.shortName(ACCEL_NAME), SHORT_NAME);
    }

    private static Le volts() {
        int low = SENSOR_CONTINUOUS_UPDATE | SENSOR_TIMESTAMPED
                | (TIMESTAMP_EXPONENT & EXPONENT_MASK) << SENSOR_TIMESTAMP_EXPONENT_SHIFT;
        return Le.words(VOLTS_SENSOR, low, unit(VOLTS, VOLTS_SCALE)).name(VOLTS_NAME, SHORT_NAME);
    }

    /** A 48-byte axis descriptor of the accelerometer: every axis has the sensor's range. */
    private static Le axis(int index) {
        String name = AXIS_NAMES[index];
        int low = AXIS_EXTENDED_ATTRIBUTES | (name.length() >= SHORT_NAME ? AXIS_EXTENDED_NAME : 0);
        return Le.words(index, low, unit(METERS_PER_SECOND_SQUARED, ACCEL_SCALE)).name(Scmi.shortName(name), SHORT_NAME)
                .u32(resolution(UNIT_RESOLUTION, ACCEL_SCALE)).u64(ACCEL_MIN).u64(ACCEL_MAX);
    }

    private static int unit(int code, int scale) {
        return (scale & EXPONENT_MASK) << SENSOR_SCALE_SHIFT | code;
    }

    private static int resolution(int value, int exponent) {
        return (exponent & EXPONENT_MASK) << SENSOR_RESOLUTION_EXPONENT_SHIFT | value;
    }

    /** An update interval word: seconds × 10^exponent. */
    private static int interval(int seconds, int exponent) {
        return seconds << INTERVAL_SECONDS_SHIFT | exponent & EXPONENT_MASK;
    }

    /** The update interval of a sensor_config word: seconds × 10^exponent. */
    private static int config(int seconds, int exponent) {
        return seconds << SENSOR_CONFIG_SECONDS_SHIFT | (exponent & EXPONENT_MASK) << SENSOR_CONFIG_EXPONENT_SHIFT;
    }

    /** Readings with timestamp reporting off: each value with a zero timestamp. */
    private static Le reading(long... values) {
        Le readings = Le.words();
        Arrays.stream(values).forEach(value -> readings.u64(value).u64(NO_TIMESTAMP));
        return readings;
    }

    private static Le delayedReading(Response accepted, int sensorId, long value) {
        return Le.words(Scmi.delayedResponseHeader(accepted.commandHeader()), ScmiStatus.SUCCESS.code(), sensorId)
                .append(reading(value).bytes());
    }

    private static Le tripEvent(int agentId, int sensorId, int tripDescription) {
        return Le.words(Scmi.notificationHeader(SENSOR, SENSOR_TRIP_POINT_EVENT), agentId, sensorId, tripDescription);
    }

    private static Response tripPoint(ScmiGuest guest, int sensor, int tripId, int mode, long threshold)
            throws Exception {
        return guest.call(SENSOR, SENSOR_TRIP_POINT_CONFIG, STATUS_ONLY, sensor, tripId << SENSOR_TRIP_ID_SHIFT | mode,
                (int) threshold, (int) (threshold >>> Integer.SIZE));
    }
}
