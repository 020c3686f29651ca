package org.scmi.itest.live;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.scmi.api.MessageType;
import org.scmi.api.ScmiHeader;

/** The SCMI facts the live tests speak: protocol, message and notification ids, and LE words. */
final class Scmi {
    static final int BASE = 0x10;
    static final int POWER = 0x11;
    static final int CLOCK = 0x14;
    static final int SENSOR = 0x15;
    static final int SYSTEM = 0x12;
    static final int RESET = 0x16;
    static final int VOLTAGE = 0x17;
    static final int PERF = 0x13;
    static final int POWERCAP = 0x18;
    static final int PINCTRL = 0x19;

    static final int PROTOCOL_VERSION = 0x0;
    static final int PROTOCOL_MESSAGE_ATTRIBUTES = 0x2;
    static final int BASE_DISCOVER_AGENT = 0x7;
    static final int BASE_NOTIFY_ERRORS = 0x8;
    static final int BASE_RESET_AGENT_CONFIGURATION = 0xB;
    static final int POWER_STATE_SET = 0x4;
    static final int POWER_STATE_GET = 0x5;
    static final int POWER_STATE_NOTIFY = 0x6;
    static final int CLOCK_RATE_SET = 0x5;
    static final int CLOCK_RATE_GET = 0x6;
    static final int CLOCK_CONFIG_SET = 0x7;
    static final int CLOCK_RATE_NOTIFY = 0x9;
    static final int CLOCK_CONFIG_GET = 0xB;
    static final int SENSOR_READING_GET = 0x6;
    static final int SENSOR_CONFIG_GET = 0x9;
    static final int SENSOR_CONFIG_SET = 0xA;
    static final int SENSOR_CONTINUOUS_UPDATE_NOTIFY = 0xB;
    static final int SYSTEM_POWER_STATE_GET = 0x4;
    static final int SYSTEM_POWER_STATE_NOTIFY = 0x5;
    static final int RESET_DOMAIN_ATTRIBUTES = 0x3;
    static final int RESET_COMMAND = 0x4;
    static final int RESET_NOTIFY = 0x5;
    static final int VOLTAGE_CONFIG_SET = 0x5;
    static final int VOLTAGE_CONFIG_GET = 0x6;
    static final int VOLTAGE_LEVEL_SET = 0x7;
    static final int VOLTAGE_LEVEL_GET = 0x8;
    static final int PERF_LIMITS_SET = 0x5;
    static final int PERF_LIMITS_GET = 0x6;
    static final int PERF_LEVEL_SET = 0x7;
    static final int PERF_LEVEL_GET = 0x8;
    static final int PERF_NOTIFY_LEVEL = 0xA;
    static final int POWERCAP_CAP_GET = 0x4;
    static final int POWERCAP_CAP_SET = 0x5;
    static final int POWERCAP_CAP_NOTIFY = 0xA;
    static final int PINCTRL_SETTINGS_GET = 0x5;
    static final int PINCTRL_SETTINGS_CONFIGURE = 0x6;
    static final int PINCTRL_REQUEST = 0x7;
    /** Pin control: a pin (selector 0), no function (0xFFFFFFFF), the drive-strength config type. */
    static final int PIN = 0;
    static final int NO_FUNCTION = 0xFFFF_FFFF;
    static final int DRIVE_STRENGTH = 10;

    /** Notifications, as (protocol id, notification id) keys of {@link #event}. */
    static final int POWER_STATE_CHANGED = event(POWER, 0x0);
    static final int CLOCK_RATE_CHANGED = event(CLOCK, 0x0);
    static final int SENSOR_UPDATE = event(SENSOR, 0x1);
    static final int SYSTEM_POWER_STATE_NOTIFIER = event(SYSTEM, 0x0);
    static final int RESET_ISSUED = event(RESET, 0x0);
    /** RESET_COMPLETE, the delayed response of an asynchronous RESET. */
    static final int RESET_COMPLETE = delayedResponse(RESET, RESET_COMMAND);
    static final int PERF_LEVEL_CHANGED = event(PERF, 0x1);
    static final int POWERCAP_CAP_CHANGED = event(POWERCAP, 0x0);

    /** BASE_DISCOVER_AGENT agent_id meaning "the caller". */
    static final int CALLER = 0xFFFF_FFFF;
    static final int POWER_ON = 0x0000_0000;
    static final int POWER_OFF = 0x4000_0000;
    static final int NOTIFY_ON = 1;
    /** RESET flags: autonomous, explicit assert, asynchronous; reset_state 0: the architectural cold reset. */
    static final int RESET_AUTONOMOUS = 1;
    static final int RESET_ASSERT = 1 << 1;
    static final int RESET_ASYNC = 1 << 2;
    static final int COLD_RESET = 0;
    /** VOLTAGE_CONFIG_SET modes. */
    static final int VOLTAGE_ON = 0x7;
    static final int VOLTAGE_OFF = 0x0;

    private Scmi() {
    }

    /** A key for one notification of one protocol. */
    static int event(int protocolId, int notificationId) {
        return eventKey(MessageType.NOTIFICATION.value(), protocolId, notificationId);
    }

    /** A key for the delayed responses to one command of one protocol. */
    static int delayedResponse(int protocolId, int messageId) {
        return eventKey(MessageType.DELAYED_RESPONSE.value(), protocolId, messageId);
    }

    /** The key of the notification or delayed response an event message carries (header word first). */
    static int eventOf(byte[] message) {
        ScmiHeader header = ScmiHeader.decode(words(message).getInt(0));
        return eventKey(header.type(), header.protocolId(), header.messageId());
    }

    /** Whether an event message (header word first) is a delayed response. */
    static boolean isDelayedResponse(byte[] message) {
        return ScmiHeader.decode(words(message).getInt(0)).type() == MessageType.DELAYED_RESPONSE.value();
    }

    /** An event key as text, for messages. */
    static String describeEvent(int key) {
        String kind = key >>> 16 == MessageType.NOTIFICATION.value() ? "notification" : "delayed response to message";
        return String.format("protocol 0x%02x %s 0x%x", key >>> 8 & 0xFF, kind, key & 0xFF);
    }

    private static int eventKey(int type, int protocolId, int messageId) {
        return type << 16 | protocolId << 8 | messageId;
    }

    static byte[] command(int protocolId, int messageId, int token, int... parameters) {
        ByteBuffer bytes = ByteBuffer.allocate(4 + 4 * parameters.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(ScmiHeader.command(protocolId, messageId, token).encode());
        for (int parameter : parameters) {
            bytes.putInt(parameter);
        }
        return bytes.array();
    }

    static ByteBuffer words(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
