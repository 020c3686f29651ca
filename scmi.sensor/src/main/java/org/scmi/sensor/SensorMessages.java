package org.scmi.sensor;

import org.scmi.support.Paging;

/**
 * Message and notification ids of the Sensor management protocol (0x15, v3.1) and the fields of
 * the request words the handlers decode.
 */
final class SensorMessages {
    static final int PROTOCOL_ID = 0x15;
    /** Version 3.1 (SCMI v3.2): what Linux 6.12 and 7.2 support. */
    static final int VERSION = 0x30001;
    /** Version 3.0 behaves identically apart from NEGOTIATE_PROTOCOL_VERSION. */
    static final int LOWEST_VERSION = 0x30000;

    static final int PROTOCOL_ATTRIBUTES = 0x1;
    static final int DESCRIPTION_GET = 0x3;
    static final int TRIP_POINT_NOTIFY = 0x4;
    static final int TRIP_POINT_CONFIG = 0x5;
    static final int READING_GET = 0x6;
    static final int AXIS_DESCRIPTION_GET = 0x7;
    static final int LIST_UPDATE_INTERVALS = 0x8;
    static final int CONFIG_GET = 0x9;
    static final int CONFIG_SET = 0xA;
    static final int CONTINUOUS_UPDATE_NOTIFY = 0xB;
    static final int NAME_GET = 0xC;
    static final int AXIS_NAME_GET = 0xD;

    /** SENSOR_TRIP_POINT_EVENT notification id. */
    static final int TRIP_POINT_EVENT = 0x0;
    /** SENSOR_UPDATE notification id. */
    static final int SENSOR_UPDATE = 0x1;

    /** Notify commands (TRIP_POINT_NOTIFY, CONTINUOUS_UPDATE_NOTIFY): event_control bit 0. */
    static final int NOTIFY_ENABLE = 0x1;
    /** READING_GET flags bit 0: complete asynchronously with a delayed response. */
    static final int READ_ASYNC = 0x1;

    /** TRIP_POINT_CONFIG trip_ctrl: bits 1:0 event mode, 11:4 trip point id, the rest reserved. */
    static final int TRIP_MODE_MASK = 0x3;
    static final int TRIP_ID_SHIFT = 4;
    static final int TRIP_ID_MASK = 0xFF;
    static final int TRIP_CTRL_RESERVED = ~(TRIP_MODE_MASK | TRIP_ID_MASK << TRIP_ID_SHIFT);

    /** SENSOR_TRIP_POINT_EVENT trip_desc: bit 16 set when the value crossed upwards. */
    static final int TRIP_EVENT_UPWARD = 1 << 16;

    /** SENSOR_DESCRIPTION_GET and SENSOR_LIST_UPDATE_INTERVALS: returned 11:0, remaining 31:16. */
    static final Paging.Counts LIST_COUNTS = new Paging.Counts(0xFFF, 16);
    /** SENSOR_AXIS_DESCRIPTION_GET and SENSOR_AXIS_NAME_GET: returned 5:0, remaining 31:26. */
    static final Paging.Counts AXIS_LIST_COUNTS = new Paging.Counts(0x3F, 26);

    private SensorMessages() {
    }
}
