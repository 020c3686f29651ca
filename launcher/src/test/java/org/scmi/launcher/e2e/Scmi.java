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
    public static final int CLOCK = 0x14;
    public static final int SENSOR = 0x15;

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
    public static final int POWER_STATE_GET = 0x5;
    /** Power state words: on (context preserved) and off (bit 30, context lost). */
    public static final int POWER_ON = 0x0000_0000;
    public static final int POWER_OFF = 0x4000_0000;

    public static final int CLOCK_ATTRIBUTES = 0x3;
    public static final int CLOCK_RATE_SET = 0x5;
    public static final int CLOCK_RATE_GET = 0x6;
    public static final int CLOCK_RATE_NOTIFY = 0x9;
    /** Notification CLOCK_RATE_CHANGED: agent_id, clock_id, rate_low, rate_high. */
    public static final int CLOCK_RATE_CHANGED = 0x0;
    /** CLOCK_ATTRIBUTES bits: 31 rate-changed and 30 change-requested notifications, 1 restricted, 0 enabled. */
    public static final int CLOCK_RATE_CHANGED_NOTIFICATIONS = 1 << 31;
    public static final int CLOCK_CHANGE_REQUESTED_NOTIFICATIONS = 1 << 30;
    public static final int CLOCK_RESTRICTED = 1 << 1;
    public static final int CLOCK_ENABLED = 1;

    public static final int SENSOR_READING_GET = 0x6;
    public static final int SENSOR_CONFIG_GET = 0x9;
    public static final int SENSOR_CONFIG_SET = 0xA;
    /** SENSOR_READING_GET flags bit 0: asynchronous read, answered by a delayed response. */
    public static final int SENSOR_READ_ASYNC = 1;
    /** sensor_config bit 0: the sensor is enabled. */
    public static final int SENSOR_ENABLED = 1;

    /** A response starts with the command's header and the status word. */
    public static final int RESPONSE_PREFIX = 8;
    /** Writable bytes Linux posts for replies of variable size: header, status and 128 bytes. */
    public static final int LINUX_RESPONSE_BUFFER = 136;
    /** Bytes of a short name field (15 characters and a NUL). */
    public static final int SHORT_NAME = 16;

    private Scmi() {
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
