package org.scmi.perf;

import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.perf.PerfLevel;
import org.scmi.api.perf.PerfLimits;
import org.scmi.support.Paging;

/**
 * Wire facts of the Performance domain management protocol (0x13, v4.0): message and notification
 * ids, attribute bits, parameter sizes, and the codecs of level descriptors and notifications.
 */
final class PerfMessages {
    static final int PERF_PROTOCOL_ID = 0x13;
    /** v4.0, the version Linux 6.12 speaks (five-word level descriptors with indicative frequencies). */
    static final int VERSION = 0x4_0000;

    static final int DOMAIN_ATTRIBUTES = 0x3;
    static final int DESCRIBE_LEVELS = 0x4;
    static final int LIMITS_SET = 0x5;
    static final int LIMITS_GET = 0x6;
    static final int LEVEL_SET = 0x7;
    static final int LEVEL_GET = 0x8;
    static final int NOTIFY_LIMITS = 0x9;
    static final int NOTIFY_LEVEL = 0xA;
    static final int DESCRIBE_FASTCHANNEL = 0xB;
    static final int DOMAIN_NAME_GET = 0xC;

    /** PERFORMANCE_LIMITS_CHANGED notification id. */
    static final int LIMITS_CHANGED = 0x0;
    /** PERFORMANCE_LEVEL_CHANGED notification id. */
    static final int LEVEL_CHANGED = 0x1;

    /** PROTOCOL_ATTRIBUTES bits 15:0: number of domains. */
    static final int DOMAIN_COUNT_MASK = 0xFFFF;
    /** PROTOCOL_ATTRIBUTES bit 17: power costs are in microwatts. */
    static final int POWER_IN_MICROWATTS = 1 << 17;
    /** PROTOCOL_ATTRIBUTES: no statistics shared memory (address low, high, length). */
    static final int NO_STATISTICS = 0;

    /** Domain attributes bit 31: the agent may set limits. */
    static final int ATTR_SET_LIMITS = 1 << 31;
    /** Domain attributes bit 30: the agent may set the level. */
    static final int ATTR_SET_LEVEL = 1 << 30;
    /** Domain attributes bit 29: limits-changed notifications supported. */
    static final int ATTR_LIMITS_NOTIFY = 1 << 29;
    /** Domain attributes bit 28: level-changed notifications supported. */
    static final int ATTR_LEVEL_NOTIFY = 1 << 28;
    /** Domain attributes bit 26: PERFORMANCE_DOMAIN_NAME_GET gives a longer name. */
    static final int ATTR_EXTENDED_NAME = 1 << 26;
    /*
     * Bit 27 (fast channels) stays clear: virtio-scmi has no shared memory for them. Bit 25 (level
     * indexing) stays clear: levels travel as their values.
     */

    /** num_levels of a PERFORMANCE_DESCRIBE_LEVELS reply: bits 11:0 levels in this reply, 31:16 after it. */
    static final Paging.Counts LEVEL_LIST_COUNTS = new Paging.Counts(0xFFF, 16);
    /** A v4 level descriptor: level, power cost, attributes (latency), indicative frequency, level index. */
    static final int LEVEL_DESCRIPTOR_LENGTH = 20;

    /** PERFORMANCE_LIMITS_SET: a limit of 0 leaves that limit as it is (both 0 is invalid). */
    static final int LIMIT_UNCHANGED = 0;
    /** PERFORMANCE_DOMAIN_NAME_GET flags word: reserved, zero. */
    static final int NAME_FLAGS = 0;

    /** domain_id. */
    static final int DOMAIN_ID_LENGTH = 4;
    /** domain_id, level_index / performance_level / notify_enable / message_id. */
    static final int DOMAIN_AND_WORD_LENGTH = 8;
    /** domain_id, range_max, range_min. */
    static final int LIMITS_SET_LENGTH = 12;

    private PerfMessages() {
    }

    /** Writes one v4 level descriptor; {@code index} is its position among the domain's levels. */
    static void writeLevel(Reply reply, int index, PerfLevel level) throws ScmiException {
        reply.u32(level.value()).u32(level.powerMicrowatts()).u32(level.latencyMicros()).u32(level.frequencyKhz())
                .u32(index);
    }

    static int notificationHeader(int notificationId) {
        return ScmiHeader.notification(PERF_PROTOCOL_ID, notificationId).encode();
    }

    /** PERFORMANCE_LIMITS_CHANGED: agent_id, domain_id, range_max, range_min; Linux drops any other size. */
    static byte[] limitsChanged(int agentId, int domainId, PerfLimits limits) {
        return Reply.words(agentId, domainId, limits.max(), limits.min());
    }

    /** PERFORMANCE_LEVEL_CHANGED: agent_id, domain_id, performance_level; Linux drops any other size. */
    static byte[] levelChanged(int agentId, int domainId, int level) {
        return Reply.words(agentId, domainId, level);
    }

}
