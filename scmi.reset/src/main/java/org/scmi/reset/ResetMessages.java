package org.scmi.reset;

import org.scmi.api.Reply;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;

/**
 * Wire facts of the Reset domain management protocol (0x16, v3.1): message and notification ids,
 * attribute and flag bits, parameter sizes, and the codecs of the notification and the delayed
 * response.
 */
final class ResetMessages {
    static final int RESET_PROTOCOL_ID = 0x16;
    /** v3.1, the version Linux 6.12 speaks. */
    static final int VERSION = 0x3_0001;

    static final int DOMAIN_ATTRIBUTES = 0x3;
    static final int RESET = 0x4;
    static final int RESET_NOTIFY = 0x5;
    static final int DOMAIN_NAME_GET = 0x6;

    /** RESET_ISSUED notification id. */
    static final int RESET_ISSUED = 0x0;

    /** PROTOCOL_ATTRIBUTES bits 15:0: number of reset domains. */
    static final int DOMAIN_COUNT_MASK = 0xFFFF;

    /** RESET_DOMAIN_ATTRIBUTES bit 31: asynchronous reset supported. */
    static final int ATTR_ASYNC = 1 << 31;
    /** RESET_DOMAIN_ATTRIBUTES bit 30: RESET_ISSUED notifications supported. */
    static final int ATTR_NOTIFY = 1 << 30;
    /** RESET_DOMAIN_ATTRIBUTES bit 29: RESET_DOMAIN_NAME_GET gives a longer name. */
    static final int ATTR_EXTENDED_NAME = 1 << 29;
    /** RESET_DOMAIN_ATTRIBUTES latency of a domain whose latency is not known. */
    static final int UNKNOWN_LATENCY = 0xFFFF_FFFF;

    /** RESET flags bit 0: autonomous reset (the platform asserts and releases the line). */
    static final int FLAG_AUTONOMOUS = 1;
    /** RESET flags bit 1: explicit assert when set, deassert when clear (bit 0 clear). */
    static final int FLAG_ASSERT = 1 << 1;
    /** RESET flags bit 2: asynchronous, completed by RESET_COMPLETE (only with bit 0). */
    static final int FLAG_ASYNC = 1 << 2;
    static final int FLAGS_RESERVED = ~(FLAG_AUTONOMOUS | FLAG_ASSERT | FLAG_ASYNC);

    /** RESET_DOMAIN_NAME_GET flags word: reserved, zero. */
    static final int NAME_FLAGS = 0;

    /** domain_id. */
    static final int DOMAIN_ID_LENGTH = 4;
    /** domain_id, flags, reset_state. */
    static final int RESET_LENGTH = 12;
    /** domain_id, notify_enable. */
    static final int NOTIFY_LENGTH = 8;

    private ResetMessages() {
    }

    static int notificationHeader() {
        return ScmiHeader.notification(RESET_PROTOCOL_ID, RESET_ISSUED).encode();
    }

    /** Payload of RESET_ISSUED: agent_id, domain_id, reset_state; Linux drops any other size. */
    static byte[] resetIssued(int agentId, int domainId, int resetState) {
        return Reply.words(agentId, domainId, resetState);
    }

    /**
     * RESET_COMPLETE, the delayed response of an asynchronous RESET: the status, and the domain
     * when it succeeded.
     */
    static byte[] resetComplete(ScmiStatus status, int domainId) {
        return status == ScmiStatus.SUCCESS ? Reply.words(status.code(), domainId) : Reply.words(status.code());
    }
}
