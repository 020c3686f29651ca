package org.scmi.voltage;

import org.scmi.api.Reply;
import org.scmi.api.ScmiStatus;
import org.scmi.support.Paging;

/**
 * Wire facts of the Voltage domain management protocol (0x17, v2.1): message ids, attribute, flag
 * and config bits, parameter sizes, and the codec of the delayed response.
 */
final class VoltageMessages {
    static final int VOLTAGE_PROTOCOL_ID = 0x17;
    /** v2.1, the version Linux 6.12 speaks. */
    static final int VERSION = 0x2_0001;

    static final int DOMAIN_ATTRIBUTES = 0x3;
    static final int DESCRIBE_LEVELS = 0x4;
    static final int CONFIG_SET = 0x5;
    static final int CONFIG_GET = 0x6;
    static final int LEVEL_SET = 0x7;
    static final int LEVEL_GET = 0x8;
    static final int DOMAIN_NAME_GET = 0x9;

    /** PROTOCOL_ATTRIBUTES bits 15:0: number of voltage domains. */
    static final int DOMAIN_COUNT_MASK = 0xFFFF;

    /** VOLTAGE_DOMAIN_ATTRIBUTES bit 31: asynchronous VOLTAGE_LEVEL_SET supported. */
    static final int ATTR_ASYNC_LEVEL_SET = 1 << 31;
    /** VOLTAGE_DOMAIN_ATTRIBUTES bit 30: VOLTAGE_DOMAIN_NAME_GET gives a longer name. */
    static final int ATTR_EXTENDED_NAME = 1 << 30;

    /** Level list flags: bits 11:0 levels in this reply, 31:16 levels after it. */
    static final Paging.Counts LEVEL_LIST_COUNTS = new Paging.Counts(0xFFF, 16);
    /** Level list flags bit 12: a {low, high, step} segment instead of a list. */
    static final int LEVELS_SEGMENT_FORMAT = 1 << 12;
    /** A segment is always three levels in one reply. */
    static final int SEGMENT_TRIPLET = 3;

    /** config bits 3:0: the mode; 0x0 architectural off, 0x7 architectural on. */
    static final int CONFIG_MODE_MASK = 0xF;
    static final int CONFIG_OFF = 0x0;
    static final int CONFIG_ON = 0x7;
    /** config bit 3: an implementation-defined mode. */
    static final int CONFIG_VENDOR_MODE = 1 << 3;

    /** VOLTAGE_LEVEL_SET flags bit 0: asynchronous; bits 31:1 reserved. */
    static final int SET_ASYNC = 1;
    /** VOLTAGE_DOMAIN_NAME_GET flags word: reserved, zero. */
    static final int NAME_FLAGS = 0;

    /** domain_id. */
    static final int DOMAIN_ID_LENGTH = 4;
    /** domain_id, level_index / config. */
    static final int DOMAIN_AND_WORD_LENGTH = 8;
    /** domain_id, flags, voltage_level. */
    static final int LEVEL_SET_LENGTH = 12;

    private VoltageMessages() {
    }

    /**
     * The VOLTAGE_LEVEL_SET delayed response: the status, and on success the domain and its level
     * now (status, domain_id, voltage_level).
     */
    static byte[] levelSetComplete(ScmiStatus status, int domainId, int microvolts) {
        return status == ScmiStatus.SUCCESS ? Reply.words(status.code(), domainId, microvolts)
                : Reply.words(status.code());
    }
}
