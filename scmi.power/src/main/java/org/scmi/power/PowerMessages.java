package org.scmi.power;

import org.scmi.api.Reply;
import org.scmi.api.ScmiHeader;

/**
 * Wire facts of the Power domain management protocol (0x11, v3.1): message and notification ids,
 * attribute bits, parameter sizes, and the notification payload codec.
 */
final class PowerMessages {
    static final int POWER_PROTOCOL_ID = 0x11;
    /** v3.1, the version Linux 6.12 and 7.2 speak. */
    static final int VERSION = 0x3_0001;

    static final int DOMAIN_ATTRIBUTES = 0x3;
    static final int STATE_SET = 0x4;
    static final int STATE_GET = 0x5;
    static final int STATE_NOTIFY = 0x6;
    static final int STATE_CHANGE_REQUESTED_NOTIFY = 0x7;
    static final int DOMAIN_NAME_GET = 0x8;

    /** POWER_STATE_CHANGED notification id. */
    static final int STATE_CHANGED = 0x0;
    /** POWER_STATE_CHANGE_REQUESTED notification id. */
    static final int STATE_CHANGE_REQUESTED = 0x1;

    /** PROTOCOL_ATTRIBUTES: bits 15:0 hold the number of domains. */
    static final int DOMAIN_COUNT_MASK = 0xFFFF;
    /** PROTOCOL_ATTRIBUTES: no statistics shared memory (address low, high, length). */
    static final int NO_STATISTICS = 0;

    /** Domain attributes bit 31: state-changed notifications supported. */
    static final int ATTR_STATE_NOTIFY = 1 << 31;
    /** Domain attributes bit 30: asynchronous POWER_STATE_SET supported. */
    static final int ATTR_ASYNC_SET = 1 << 30;
    /** Domain attributes bit 29: synchronous POWER_STATE_SET supported. */
    static final int ATTR_SYNC_SET = 1 << 29;
    /** Domain attributes bit 28: state-change-requested notifications supported. */
    static final int ATTR_CHANGE_REQUESTED_NOTIFY = 1 << 28;
    /** Domain attributes bit 27: POWER_DOMAIN_NAME_GET gives a longer name. */
    static final int ATTR_EXTENDED_NAME = 1 << 27;

    /** POWER_STATE_SET flags bit 0: asynchronous; bits 31:1 reserved. */
    static final int SET_ASYNC = 1;
    /** POWER_DOMAIN_NAME_GET flags word: reserved, zero. */
    static final int NAME_FLAGS = 0;

    /** domain_id. */
    static final int DOMAIN_ID_LENGTH = 4;
    /** flags, domain_id, power_state. */
    static final int STATE_SET_LENGTH = 12;
    /** domain_id, notify_enable. */
    static final int NOTIFY_LENGTH = 8;

    private PowerMessages() {
    }

    /** Header word of a power notification. */
    static int notificationHeader(int notificationId) {
        return ScmiHeader.notification(POWER_PROTOCOL_ID, notificationId).encode();
    }

    /**
     * Payload of POWER_STATE_CHANGED and POWER_STATE_CHANGE_REQUESTED: agent_id, domain_id,
     * power_state; Linux drops any other size.
     */
    static byte[] notificationPayload(int agentId, int domainId, int state) {
        return Reply.words(agentId, domainId, state);
    }
}
