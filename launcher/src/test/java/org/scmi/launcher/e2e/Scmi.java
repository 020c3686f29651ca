package org.scmi.launcher.e2e;

import org.scmi.api.MessageType;
import org.scmi.api.ScmiHeader;

/**
 * SCMI wire facts the end-to-end tests and the benchmark speak, named as the specification (v3.2)
 * names them. Kept apart from the server's own constants on purpose: the tests check the server's
 * bytes against the specification, not against the server's idea of it.
 */
public final class Scmi {
    public static final int BASE = 0x10;
    public static final int POWER = 0x11;
    public static final int SYSTEM = 0x12;
    public static final int PERF = 0x13;
    public static final int CLOCK = 0x14;
    public static final int SENSOR = 0x15;
    public static final int RESET = 0x16;
    public static final int VOLTAGE = 0x17;
    public static final int POWERCAP = 0x18;
    public static final int PINCTRL = 0x19;
    /** Every protocol the server registers besides Base, in the ascending order Base lists them. */
    public static final int[] SERVED_PROTOCOLS = {POWER, SYSTEM, PERF, CLOCK, SENSOR, RESET, VOLTAGE, POWERCAP, PINCTRL};

    /** Messages every protocol has. */
    public static final int PROTOCOL_VERSION = 0x0;
    public static final int PROTOCOL_ATTRIBUTES = 0x1;
    public static final int PROTOCOL_MESSAGE_ATTRIBUTES = 0x2;
    public static final int NEGOTIATE_PROTOCOL_VERSION = 0x10;

    public static final int BASE_DISCOVER_VENDOR = 0x3;
    public static final int BASE_DISCOVER_SUB_VENDOR = 0x4;
    public static final int BASE_DISCOVER_IMPLEMENTATION_VERSION = 0x5;
    public static final int BASE_DISCOVER_LIST_PROTOCOLS = 0x6;
    public static final int BASE_DISCOVER_AGENT = 0x7;
    public static final int BASE_NOTIFY_ERRORS = 0x8;
    public static final int BASE_SET_DEVICE_PERMISSIONS = 0x9;
    public static final int BASE_SET_PROTOCOL_PERMISSIONS = 0xA;
    public static final int BASE_RESET_AGENT_CONFIGURATION = 0xB;
    /** BASE_DISCOVER_AGENT agent_id of the platform, and of "the agent asking". */
    public static final int AGENT_PLATFORM = 0;
    public static final int AGENT_CALLER = 0xFFFF_FFFF;
    /** PROTOCOL_ATTRIBUTES of Base: bits 7:0 protocols, 15:8 agents. */
    public static final int BASE_AGENTS_SHIFT = 8;

    public static final int POWER_DOMAIN_ATTRIBUTES = 0x3;
    public static final int POWER_STATE_SET = 0x4;
    public static final int POWER_STATE_GET = 0x5;
    public static final int POWER_STATE_NOTIFY = 0x6;
    public static final int POWER_STATE_CHANGE_REQUESTED_NOTIFY = 0x7;
    public static final int POWER_DOMAIN_NAME_GET = 0x8;
    /** Notifications POWER_STATE_CHANGED and POWER_STATE_CHANGE_REQUESTED: agent_id, domain_id, power_state. */
    public static final int POWER_STATE_CHANGED = 0x0;
    public static final int POWER_STATE_CHANGE_REQUESTED = 0x1;
    /** POWER_DOMAIN_ATTRIBUTES bits: 31 state notifications, 30 async, 29 sync, 28 change-requested notifications, 27 extended name. */
    public static final int POWER_STATE_NOTIFICATIONS = 1 << 31;
    public static final int POWER_ASYNC_SET = 1 << 30;
    public static final int POWER_SYNC_SET = 1 << 29;
    public static final int POWER_CHANGE_REQUESTED_NOTIFICATIONS = 1 << 28;
    public static final int POWER_EXTENDED_NAME = 1 << 27;
    /** POWER_STATE_SET flags bit 0: asynchronous. */
    public static final int POWER_SET_ASYNC = 1;
    /** Power state words: on (context preserved) and off (bit 30, context lost). */
    public static final int POWER_ON = 0x0000_0000;
    public static final int POWER_OFF = 0x4000_0000;

    public static final int CLOCK_ATTRIBUTES = 0x3;
    public static final int CLOCK_DESCRIBE_RATES = 0x4;
    public static final int CLOCK_RATE_SET = 0x5;
    public static final int CLOCK_RATE_GET = 0x6;
    public static final int CLOCK_CONFIG_SET = 0x7;
    public static final int CLOCK_NAME_GET = 0x8;
    public static final int CLOCK_RATE_NOTIFY = 0x9;
    public static final int CLOCK_RATE_CHANGE_REQUESTED_NOTIFY = 0xA;
    public static final int CLOCK_CONFIG_GET = 0xB;
    public static final int CLOCK_POSSIBLE_PARENTS_GET = 0xC;
    public static final int CLOCK_PARENT_SET = 0xD;
    public static final int CLOCK_PARENT_GET = 0xE;
    public static final int CLOCK_GET_PERMISSIONS = 0xF;
    /** Notifications CLOCK_RATE_CHANGED and CLOCK_RATE_CHANGE_REQUESTED: agent_id, clock_id, rate_low, rate_high. */
    public static final int CLOCK_RATE_CHANGED = 0x0;
    public static final int CLOCK_RATE_CHANGE_REQUESTED = 0x1;
    /**
     * CLOCK_ATTRIBUTES bits: 31 rate-changed and 30 change-requested notifications, 29 extended
     * name, 28 parents listed, 1 restricted, 0 enabled.
     */
    public static final int CLOCK_RATE_CHANGED_NOTIFICATIONS = 1 << 31;
    public static final int CLOCK_CHANGE_REQUESTED_NOTIFICATIONS = 1 << 30;
    public static final int CLOCK_EXTENDED_NAME = 1 << 29;
    public static final int CLOCK_PARENTS = 1 << 28;
    public static final int CLOCK_RESTRICTED = 1 << 1;
    public static final int CLOCK_ENABLED = 1;
    /** PROTOCOL_ATTRIBUTES of Clock: bits 23:16 most pending asynchronous rate changes. */
    public static final int CLOCK_MAX_ASYNC_SHIFT = 16;
    /** num_rates_flags: bits 11:0 returned, bit 12 range format, 31:16 remaining. */
    public static final int CLOCK_RATES_RANGE = 1 << 12;
    public static final int CLOCK_RATES_REMAINING_SHIFT = 16;
    /** num_parents_flags: bits 7:0 returned, 31:24 remaining. */
    public static final int CLOCK_PARENTS_REMAINING_SHIFT = 24;
    /** CLOCK_RATE_SET flags: 0 async, 1 no delayed response, 2 round up, 3 round to nearest. */
    public static final int CLOCK_SET_ASYNC = 1;
    public static final int CLOCK_SET_NO_DELAYED_RESPONSE = 1 << 1;
    public static final int CLOCK_SET_ROUND_UP = 1 << 2;
    public static final int CLOCK_SET_ROUND_NEAREST = 1 << 3;
    /** CLOCK_CONFIG_SET attributes bits 1:0 (0 disable, 1 enable), 23:16 OEM config type. */
    public static final int CLOCK_CONFIG_DISABLE = 0;
    public static final int CLOCK_CONFIG_ENABLE = 1;
    public static final int CLOCK_CONFIG_OEM_TYPE_SHIFT = 16;
    /** CLOCK_GET_PERMISSIONS bits: 31 state, 30 parent, 29 rate control allowed. */
    public static final int CLOCK_PERMIT_STATE = 1 << 31;
    public static final int CLOCK_PERMIT_PARENT = 1 << 30;
    public static final int CLOCK_PERMIT_RATE = 1 << 29;

    public static final int SENSOR_DESCRIPTION_GET = 0x3;
    public static final int SENSOR_TRIP_POINT_NOTIFY = 0x4;
    public static final int SENSOR_TRIP_POINT_CONFIG = 0x5;
    public static final int SENSOR_READING_GET = 0x6;
    public static final int SENSOR_AXIS_DESCRIPTION_GET = 0x7;
    public static final int SENSOR_LIST_UPDATE_INTERVALS = 0x8;
    public static final int SENSOR_CONFIG_GET = 0x9;
    public static final int SENSOR_CONFIG_SET = 0xA;
    public static final int SENSOR_CONTINUOUS_UPDATE_NOTIFY = 0xB;
    public static final int SENSOR_NAME_GET = 0xC;
    public static final int SENSOR_AXIS_NAME_GET = 0xD;
    /** Notifications SENSOR_TRIP_POINT_EVENT (agent_id, sensor_id, trip_desc) and SENSOR_UPDATE (agent_id, sensor_id, readings). */
    public static final int SENSOR_TRIP_POINT_EVENT = 0x0;
    public static final int SENSOR_UPDATE = 0x1;
    /** trip_desc bit 16: the value crossed upwards. */
    public static final int SENSOR_TRIP_UPWARD = 1 << 16;
    /** trip_ctrl: bits 1:0 event mode (1 upward, 2 downward, 3 both), 11:4 trip point id. */
    public static final int SENSOR_TRIP_ON_UPWARD = 1;
    public static final int SENSOR_TRIP_ON_DOWNWARD = 2;
    public static final int SENSOR_TRIP_ID_SHIFT = 4;
    /** PROTOCOL_ATTRIBUTES of Sensor: bits 23:16 most outstanding asynchronous reads. */
    public static final int SENSOR_MAX_ASYNC_SHIFT = 16;
    /** Sensor descriptor attributes_low: 31 async, 30 continuous updates, 29 extended name, 14:10 timestamp exponent, 9 timestamps, 8 extended attributes. */
    public static final int SENSOR_ASYNC_READ = 1 << 31;
    public static final int SENSOR_CONTINUOUS_UPDATE = 1 << 30;
    public static final int SENSOR_EXTENDED_NAME = 1 << 29;
    public static final int SENSOR_TIMESTAMP_EXPONENT_SHIFT = 10;
    public static final int SENSOR_TIMESTAMPED = 1 << 9;
    public static final int SENSOR_EXTENDED_ATTRIBUTES = 1 << 8;
    /** Sensor descriptor attributes_high: 21:16 axes, 15:11 unit exponent, 8 multi-axis, 7:0 unit. */
    public static final int SENSOR_AXES_SHIFT = 16;
    public static final int SENSOR_SCALE_SHIFT = 11;
    public static final int SENSOR_MULTI_AXIS = 1 << 8;
    /** Axis descriptor attributes_low: 9 extended name, 8 extended attributes. */
    public static final int AXIS_EXTENDED_NAME = 1 << 9;
    public static final int AXIS_EXTENDED_ATTRIBUTES = 1 << 8;
    /** Resolution word: bits 31:27 exponent, 26:0 value. */
    public static final int SENSOR_RESOLUTION_EXPONENT_SHIFT = 27;
    /** A 5-bit two's complement power of ten, as exponents travel. */
    public static final int EXPONENT_MASK = 0x1F;
    /** num_sensor_flags and num_intervals_flags: returned 11:0, remaining 31:16; num_axis_flags: 5:0 and 31:26. */
    public static final int SENSOR_REMAINING_SHIFT = 16;
    public static final int AXIS_REMAINING_SHIFT = 26;
    /** Update interval word: bits 20:5 seconds, 4:0 exponent. */
    public static final int INTERVAL_SECONDS_SHIFT = 5;
    /** sensor_config: 31:16 interval seconds, 15:11 exponent, 10:9 rounding (SET), 1 timestamps, 0 enabled. */
    public static final int SENSOR_CONFIG_SECONDS_SHIFT = 16;
    public static final int SENSOR_CONFIG_EXPONENT_SHIFT = 11;
    public static final int SENSOR_CONFIG_ROUND_UP = 1 << 9;
    public static final int SENSOR_CONFIG_ROUND_NEAREST = 1 << 10;
    public static final int SENSOR_TIMESTAMPS = 1 << 1;
    /** SENSOR_READING_GET flags bit 0: asynchronous read, answered by a delayed response. */
    public static final int SENSOR_READ_ASYNC = 1;
    /** sensor_config bit 0: the sensor is enabled. */
    public static final int SENSOR_ENABLED = 1;

    public static final int PERF_DOMAIN_ATTRIBUTES = 0x3;
    public static final int PERF_DESCRIBE_LEVELS = 0x4;
    public static final int PERF_LIMITS_SET = 0x5;
    public static final int PERF_LIMITS_GET = 0x6;
    public static final int PERF_LEVEL_SET = 0x7;
    public static final int PERF_LEVEL_GET = 0x8;
    public static final int PERF_NOTIFY_LIMITS = 0x9;
    public static final int PERF_NOTIFY_LEVEL = 0xA;
    public static final int PERF_DESCRIBE_FASTCHANNEL = 0xB;
    public static final int PERF_DOMAIN_NAME_GET = 0xC;
    /** Notifications PERFORMANCE_LIMITS_CHANGED (agent_id, domain_id, range_max, range_min) and PERFORMANCE_LEVEL_CHANGED (agent_id, domain_id, level). */
    public static final int PERF_LIMITS_CHANGED = 0x0;
    public static final int PERF_LEVEL_CHANGED = 0x1;
    /** PROTOCOL_ATTRIBUTES of Performance: bits 15:0 domains, 16 power in mW, 17 power in µW. */
    public static final int PERF_POWER_IN_MICROWATTS = 1 << 17;
    /**
     * PERFORMANCE_DOMAIN_ATTRIBUTES bits: 31 limits settable, 30 level settable, 29 limits and 28
     * level notifications, 27 fast channels, 26 extended name, 25 level indexing.
     */
    public static final int PERF_SET_LIMITS = 1 << 31;
    public static final int PERF_SET_LEVEL = 1 << 30;
    public static final int PERF_LIMITS_NOTIFICATIONS = 1 << 29;
    public static final int PERF_LEVEL_NOTIFICATIONS = 1 << 28;
    public static final int PERF_EXTENDED_NAME = 1 << 26;
    /** num_levels of PERFORMANCE_DESCRIBE_LEVELS: returned 11:0, remaining 31:16. */
    public static final int PERF_LEVELS_REMAINING_SHIFT = 16;
    /** A v4 level descriptor: level, power cost, latency, indicative frequency, level index. */
    public static final int PERF_LEVEL_DESCRIPTOR = 20;

    public static final int POWERCAP_DOMAIN_ATTRIBUTES = 0x3;
    public static final int POWERCAP_CAP_GET = 0x4;
    public static final int POWERCAP_CAP_SET = 0x5;
    public static final int POWERCAP_PAI_GET = 0x6;
    public static final int POWERCAP_PAI_SET = 0x7;
    public static final int POWERCAP_DOMAIN_NAME_GET = 0x8;
    public static final int POWERCAP_MEASUREMENTS_GET = 0x9;
    public static final int POWERCAP_CAP_NOTIFY = 0xA;
    public static final int POWERCAP_MEASUREMENTS_NOTIFY = 0xB;
    public static final int POWERCAP_DESCRIBE_FASTCHANNEL = 0xC;
    /** Notifications POWERCAP_CAP_CHANGED (agent_id, domain_id, power_cap, pai) and POWERCAP_MEASUREMENTS_CHANGED (agent_id, domain_id, power). */
    public static final int POWERCAP_CAP_CHANGED = 0x0;
    public static final int POWERCAP_MEASUREMENTS_CHANGED = 0x1;
    /**
     * POWERCAP_DOMAIN_ATTRIBUTES bits: 31 cap and 30 measurement notifications, 29 asynchronous cap
     * set, 28 extended name, 27 cap and 25 PAI configurable, 26 monitoring, 24:23 unit (1 µW), 22
     * fast channels.
     */
    public static final int POWERCAP_CAP_NOTIFICATIONS = 1 << 31;
    public static final int POWERCAP_MEASUREMENT_NOTIFICATIONS = 1 << 30;
    public static final int POWERCAP_ASYNC_CAP_SET = 1 << 29;
    public static final int POWERCAP_EXTENDED_NAME = 1 << 28;
    public static final int POWERCAP_CAP_CONFIGURABLE = 1 << 27;
    public static final int POWERCAP_MONITORING = 1 << 26;
    public static final int POWERCAP_PAI_CONFIGURABLE = 1 << 25;
    public static final int POWERCAP_MICROWATTS = 1 << 23;
    /** parent_id of a root zone. */
    public static final int POWERCAP_ROOT = 0xFFFF_FFFF;
    /** POWERCAP_CAP_SET flags: bit 0 no delayed response, bit 1 asynchronous. */
    public static final int POWERCAP_SET_IGNORE_DELAYED_RESPONSE = 1;
    public static final int POWERCAP_SET_ASYNC = 1 << 1;

    /** A response starts with the command's header and the status word. */
    public static final int RESPONSE_PREFIX = 8;
    /** Writable bytes Linux posts for replies of variable size: header, status and 128 bytes. */
    public static final int LINUX_RESPONSE_BUFFER = 136;
    /** Bytes of a short name field (15 characters and a NUL). */
    public static final int SHORT_NAME = 16;
    /** Bytes of an extended name field (*_NAME_GET: 63 characters and a NUL). */
    public static final int EXTENDED_NAME = 64;
    /** Notify commands: notify_enable / event_control bit 0. */
    public static final int NOTIFY_ON = 1;
    public static final int NOTIFY_OFF = 0;

    private Scmi() {
    }

    /** What a short name field holds of a longer name: its first 15 characters (then the NUL). */
    public static String shortName(String name) {
        return name.length() < SHORT_NAME ? name : name.substring(0, SHORT_NAME - 1);
    }

    /** The header of a notification: its id, type 3, token 0. */
    public static int notificationHeader(int protocolId, int notificationId) {
        return new ScmiHeader(notificationId, MessageType.NOTIFICATION.value(), protocolId, 0).encode();
    }

    /** The header of the delayed response to a command: the command's ids and token, type 2. */
    public static int delayedResponseHeader(int commandHeader) {
        ScmiHeader command = ScmiHeader.decode(commandHeader);
        return new ScmiHeader(command.messageId(), MessageType.DELAYED_RESPONSE.value(), command.protocolId(),
                command.token()).encode();
    }
}
