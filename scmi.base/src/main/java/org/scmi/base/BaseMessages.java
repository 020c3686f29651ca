package org.scmi.base;

import org.scmi.api.ScmiProtocol;

/**
 * Message and notification ids of the Base protocol (SCMI v3.2, Base 2.1), named as the
 * specification names them. PROTOCOL_VERSION, PROTOCOL_MESSAGE_ATTRIBUTES and
 * NEGOTIATE_PROTOCOL_VERSION are answered by the dispatcher and have no handler here.
 */
final class BaseMessages {
    static final int PROTOCOL_ATTRIBUTES = ScmiProtocol.MSG_PROTOCOL_ATTRIBUTES;
    static final int BASE_DISCOVER_VENDOR = 0x3;
    static final int BASE_DISCOVER_SUB_VENDOR = 0x4;
    static final int BASE_DISCOVER_IMPLEMENTATION_VERSION = 0x5;
    static final int BASE_DISCOVER_LIST_PROTOCOLS = 0x6;
    static final int BASE_DISCOVER_AGENT = 0x7;
    static final int BASE_NOTIFY_ERRORS = 0x8;
    static final int BASE_SET_DEVICE_PERMISSIONS = 0x9;
    static final int BASE_SET_PROTOCOL_PERMISSIONS = 0xA;
    static final int BASE_RESET_AGENT_CONFIGURATION = 0xB;

    /** Notification id of BASE_ERROR_EVENT, enabled by BASE_NOTIFY_ERRORS. */
    static final int BASE_ERROR_EVENT = 0x0;

    private BaseMessages() {
    }
}
