package org.scmi.itest.xen;

/**
 * The SCMI messages these tests send as an agent (a guest's SCMI driver), with the ids and bits
 * the platform answers with. Wire facts only; the protocol bundles keep theirs private.
 */
final class AgentWire {
    static final int BASE = 0x10;
    static final int POWER = 0x11;
    static final int SYSTEM = 0x12;
    static final int PERF = 0x13;
    static final int CLOCK = 0x14;
    static final int SENSOR = 0x15;
    static final int RESET = 0x16;
    static final int VOLTAGE = 0x17;
    static final int POWERCAP = 0x18;
    static final int PINCTRL = 0x19;

    /** Messages every protocol has. */
    static final int PROTOCOL_VERSION = 0x0;
    static final int PROTOCOL_ATTRIBUTES = 0x1;

    static final int BASE_DISCOVER_VENDOR = 0x3;
    static final int BASE_DISCOVER_LIST_PROTOCOLS = 0x6;
    static final int BASE_DISCOVER_AGENT = 0x7;
    /** BASE_DISCOVER_AGENT's agent id meaning "the caller". */
    static final int THIS_AGENT = 0xFFFF_FFFF;

    static final int POWER_DOMAIN_ATTRIBUTES = 0x3;
    static final int POWER_STATE_GET = 0x5;

    static final int CLOCK_ATTRIBUTES = 0x3;
    static final int CLOCK_RATE_SET = 0x5;
    static final int CLOCK_RATE_GET = 0x6;
    static final int CLOCK_RATE_NOTIFY = 0x9;
    static final int CLOCK_RATE_CHANGED = 0x0;

    static final int SENSOR_DESCRIPTION_GET = 0x3;
    static final int SENSOR_READING_GET = 0x6;
    static final int SENSOR_READ_SYNC = 0;
    static final int SENSOR_CONFIG_SET = 0xA;
    static final int SENSOR_CONTINUOUS_UPDATE_NOTIFY = 0xB;
    static final int SENSOR_UPDATE = 0x1;

    /** Resource counts in PROTOCOL_ATTRIBUTES (power domains, clocks, sensors): bits 15:0. */
    static final int COUNT_MASK = 0xFFFF;
    /** Base PROTOCOL_ATTRIBUTES: number of protocols other than Base, bits 7:0. */
    static final int PROTOCOL_COUNT_MASK = 0xFF;
    /** Short names: 16 bytes with their NUL. */
    static final int SHORT_NAME = 16;
    /** Synchronous set, no rounding flags (CLOCK_RATE_SET). */
    static final int SET_SYNC = 0;
    static final int NOTIFY_ENABLE = 1;
    static final int NOTIFY_DISABLE = 0;

    /** SENSOR_DESCRIPTION_GET: returned count bits 11:0, remaining 31:16. */
    static final int SENSORS_RETURNED_MASK = 0xFFF;
    static final int SENSORS_REMAINING_SHIFT = 16;
    /** Sensor descriptor attributes_low: continuous updates, extended attributes. */
    static final int SENSOR_CONTINUOUS_UPDATE = 1 << 30;
    static final int SENSOR_EXTENDED_ATTRIBUTES = 1 << 8;
    /** Sensor descriptor attributes_high: axis count bits 21:16. */
    static final int SENSOR_AXES_SHIFT = 16;
    static final int SENSOR_AXES_MASK = 0x3F;
    /** Descriptor sizes: base, power word, resolution and range of a scalar sensor. */
    static final int SENSOR_DESCRIPTOR_BASE = 28;
    static final int SENSOR_POWER_WORD = 4;
    static final int SENSOR_SCALAR_RANGE = 20;
    /** One reading (v2.0+): value and timestamp, 64 bits each. */
    static final int SENSOR_READING_BYTES = 16;
    /** sensor_config: update interval 100 (bits 31:16) × 10^-3 s (exponent bits 15:11), sensor enabled (bit 0). */
    static final int SENSOR_CONFIG_100_MS_ENABLED = 100 << 16 | (-3 & 0x1F) << 11 | 1;

    private AgentWire() {
    }
}
