package org.scmi.clock;

import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;
import org.scmi.support.Paging;

/**
 * Wire facts of the Clock management protocol (0x14, v3.0): message and notification ids,
 * attribute and flag bits, parameter sizes, and the codecs of list headers, notifications and
 * the delayed response.
 */
final class ClockMessages {
    static final int CLOCK_PROTOCOL_ID = 0x14;
    /** v3.0, the version Linux 6.12 and 7.2 speak. */
    static final int VERSION = 0x3_0000;

    static final int ATTRIBUTES = 0x3;
    static final int DESCRIBE_RATES = 0x4;
    static final int RATE_SET = 0x5;
    static final int RATE_GET = 0x6;
    static final int CONFIG_SET = 0x7;
    static final int NAME_GET = 0x8;
    static final int RATE_NOTIFY = 0x9;
    static final int RATE_CHANGE_REQUESTED_NOTIFY = 0xA;
    static final int CONFIG_GET = 0xB;
    static final int POSSIBLE_PARENTS_GET = 0xC;
    static final int PARENT_SET = 0xD;
    static final int PARENT_GET = 0xE;
    static final int GET_PERMISSIONS = 0xF;

    /** CLOCK_RATE_CHANGED notification id. */
    static final int RATE_CHANGED = 0x0;
    /** CLOCK_RATE_CHANGE_REQUESTED notification id. */
    static final int RATE_CHANGE_REQUESTED = 0x1;

    /** PROTOCOL_ATTRIBUTES bits 15:0: number of clocks. */
    static final int CLOCK_COUNT_MASK = 0xFFFF;
    /** PROTOCOL_ATTRIBUTES bits 23:16: maximum pending asynchronous rate changes. */
    static final int MAX_ASYNC_SHIFT = 16;
    static final int MAX_ASYNC_LIMIT = 0xFF;

    /** CLOCK_ATTRIBUTES bit 31: rate-changed notifications supported. */
    static final int ATTR_RATE_NOTIFY = 1 << 31;
    /** CLOCK_ATTRIBUTES bit 30: rate-change-requested notifications supported. */
    static final int ATTR_RATE_CHANGE_REQUESTED_NOTIFY = 1 << 30;
    /** CLOCK_ATTRIBUTES bit 29: CLOCK_NAME_GET gives a longer name. */
    static final int ATTR_EXTENDED_NAME = 1 << 29;
    /** CLOCK_ATTRIBUTES bit 28: CLOCK_POSSIBLE_PARENTS_GET lists parents. */
    static final int ATTR_PARENTS = 1 << 28;
    /** CLOCK_ATTRIBUTES bit 1: restricted, CLOCK_GET_PERMISSIONS says what is allowed. */
    static final int ATTR_RESTRICTED = 1 << 1;
    /** CLOCK_ATTRIBUTES bit 0 and CLOCK_CONFIG_GET config bit 0: the clock runs. */
    static final int ENABLED = 1;

    /** num_rates_flags of a list: bits 11:0 rates in this reply, 31:16 rates after it. */
    static final Paging.Counts RATE_LIST_COUNTS = new Paging.Counts(0xFFF, 16);
    /** num_rates_flags bit 12: a {min, max, step} triplet instead of a list. */
    static final int RATES_RANGE_FORMAT = 1 << 12;
    /** A range is always described by exactly three rates in one reply. */
    static final int RANGE_TRIPLET = 3;

    /** CLOCK_RATE_SET flags bit 0: asynchronous. */
    static final int SET_ASYNC = 1;
    /** CLOCK_RATE_SET flags bit 1: asynchronous without a delayed response. */
    static final int SET_NO_DELAYED_RESPONSE = 1 << 1;
    /** CLOCK_RATE_SET flags bit 2: round up (when bit 3 is clear). */
    static final int SET_ROUND_UP = 1 << 2;
    /** CLOCK_RATE_SET flags bit 3: the platform rounds to the nearest rate. */
    static final int SET_ROUND_NEAREST = 1 << 3;
    static final int SET_FLAGS_RESERVED = ~0xF;

    /** CLOCK_CONFIG_SET attributes bits 1:0: the state to set. */
    static final int CONFIG_STATE_MASK = 0x3;
    static final int CONFIG_STATE_DISABLE = 0;
    static final int CONFIG_STATE_ENABLE = 1;
    /** CLOCK_CONFIG_SET attributes bits 23:16 / CLOCK_CONFIG_GET flags bits 7:0: OEM config type. */
    static final int CONFIG_SET_OEM_TYPE_MASK = 0xFF << 16;
    static final int CONFIG_SET_RESERVED = ~(CONFIG_STATE_MASK | CONFIG_SET_OEM_TYPE_MASK);
    static final int CONFIG_GET_OEM_TYPE_MASK = 0xFF;
    /** CLOCK_CONFIG_GET attributes word and oem_config_value: reserved / no OEM config. */
    static final int NO_CONFIG_ATTRIBUTES = 0;
    static final int NO_OEM_VALUE = 0;

    /** num_parents_flags bits 7:0: parents in this reply; 31:24 parents after it. */
    static final Paging.Counts PARENT_LIST_COUNTS = new Paging.Counts(0xFF, 24);

    /** CLOCK_GET_PERMISSIONS bits 31, 30, 29: state, parent, rate control allowed. */
    static final int PERMIT_STATE = 1 << 31;
    static final int PERMIT_PARENT = 1 << 30;
    static final int PERMIT_RATE = 1 << 29;

    /** CLOCK_NAME_GET flags word: reserved, zero. */
    static final int NAME_FLAGS = 0;

    /** clock_id. */
    static final int CLOCK_ID_LENGTH = 4;
    /** clock_id, rate_index / skip_parents / parent_id / notify_enable / flags. */
    static final int CLOCK_AND_WORD_LENGTH = 8;
    /** flags, clock_id, rate_low, rate_high. */
    static final int RATE_SET_LENGTH = 16;
    /** clock_id, attributes, oem_config_value (the v3.0 form). */
    static final int CONFIG_SET_LENGTH = 12;

    /** Both clock notifications: agent_id, clock_id, rate_low, rate_high; Linux drops any other size. */
    static final int NOTIFICATION_LENGTH = 16;
    /** The CLOCK_RATE_SET delayed response: status, clock_id, rate_low, rate_high. */
    static final int DELAYED_RESPONSE_LENGTH = 16;

    private ClockMessages() {
    }

    static int notificationHeader(int notificationId) {
        return ScmiHeader.notification(CLOCK_PROTOCOL_ID, notificationId).encode();
    }

    /** Payload of CLOCK_RATE_CHANGED and CLOCK_RATE_CHANGE_REQUESTED. */
    static byte[] notificationPayload(int agentId, int clockId, long rate) {
        return fixed(NOTIFICATION_LENGTH, agentId, clockId, rate);
    }

    /** A successful CLOCK_RATE_SET delayed response. */
    static byte[] rateSetCompleted(int clockId, long rate) {
        return fixed(DELAYED_RESPONSE_LENGTH, ScmiStatus.SUCCESS.code(), clockId, rate);
    }

    /** A failed CLOCK_RATE_SET delayed response: the status alone, as for every error. */
    static byte[] rateSetFailed(ScmiStatus status) {
        try {
            return new Reply(4).u32(status.code()).toByteArray();
        } catch (ScmiException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] fixed(int length, int first, int clockId, long rate) {
        try {
            return new Reply(length).u32(first).u32(clockId).u64(rate).toByteArray();
        } catch (ScmiException e) {
            throw new IllegalStateException("message larger than its fixed size", e);
        }
    }
}
