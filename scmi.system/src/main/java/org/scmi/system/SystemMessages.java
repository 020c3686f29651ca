package org.scmi.system;

import org.scmi.api.Reply;
import org.scmi.api.ScmiHeader;

/**
 * Wire facts of the System power management protocol (0x12, v2.1): message and notification ids,
 * flag and attribute bits, parameter sizes, and the notification codec.
 */
final class SystemMessages {
    static final int SYSTEM_PROTOCOL_ID = 0x12;
    /** v2.1, the version Linux 6.12 speaks: the notification carries a timeout. */
    static final int VERSION = 0x2_0001;

    static final int STATE_SET = 0x3;
    static final int STATE_GET = 0x4;
    static final int STATE_NOTIFY = 0x5;

    /** SYSTEM_POWER_STATE_NOTIFIER notification id. */
    static final int STATE_NOTIFIER = 0x0;

    /** PROTOCOL_ATTRIBUTES: reserved, zero. */
    static final int NO_ATTRIBUTES = 0;
    /** PROTOCOL_MESSAGE_ATTRIBUTES of SYSTEM_POWER_STATE_SET bit 31: warm reset supported. */
    static final int SET_WARM_RESET = 1 << 31;
    /** PROTOCOL_MESSAGE_ATTRIBUTES of SYSTEM_POWER_STATE_SET bit 30: suspend supported. */
    static final int SET_SUSPEND = 1 << 30;

    /** SYSTEM_POWER_STATE_SET and notifier flags bit 0: graceful (1) or forceful (0); bits 31:1 reserved. */
    static final int GRACEFUL = 1;
    /** The notifier's timeout of a forceful request. */
    static final int NO_TIMEOUT = 0;

    /** flags, system_state. */
    static final int STATE_SET_LENGTH = 8;
    /** notify_enable. */
    static final int NOTIFY_LENGTH = 4;

    private SystemMessages() {
    }

    static int notificationHeader() {
        return ScmiHeader.notification(SYSTEM_PROTOCOL_ID, STATE_NOTIFIER).encode();
    }

    /**
     * Payload of SYSTEM_POWER_STATE_NOTIFIER of v2: agent_id, flags, system_state, timeout; Linux
     * drops any other size.
     */
    static byte[] stateNotifier(int agentId, boolean graceful, int systemState, int timeoutMillis) {
        return Reply.words(agentId, graceful ? GRACEFUL : 0, systemState, graceful ? timeoutMillis : NO_TIMEOUT);
    }
}
