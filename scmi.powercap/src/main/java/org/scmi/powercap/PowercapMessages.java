package org.scmi.powercap;

import org.scmi.api.Reply;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;

/**
 * Wire facts of the Powercap protocol (0x18, v2.0): message and notification ids, attribute and
 * flag bits, parameter sizes, and the codecs of notifications and the delayed response.
 */
final class PowercapMessages {
    static final int POWERCAP_PROTOCOL_ID = 0x18;
    /** v2.0, the version Linux 6.12 speaks (a cap of 0 disables capping). */
    static final int VERSION = 0x2_0000;

    static final int DOMAIN_ATTRIBUTES = 0x3;
    static final int CAP_GET = 0x4;
    static final int CAP_SET = 0x5;
    static final int PAI_GET = 0x6;
    static final int PAI_SET = 0x7;
    static final int DOMAIN_NAME_GET = 0x8;
    static final int MEASUREMENTS_GET = 0x9;
    static final int CAP_NOTIFY = 0xA;
    static final int MEASUREMENTS_NOTIFY = 0xB;
    static final int DESCRIBE_FASTCHANNEL = 0xC;

    /** POWERCAP_CAP_CHANGED notification id. */
    static final int CAP_CHANGED = 0x0;
    /** POWERCAP_MEASUREMENTS_CHANGED notification id. */
    static final int MEASUREMENTS_CHANGED = 0x1;

    /** PROTOCOL_ATTRIBUTES bits 15:0: number of zones. */
    static final int ZONE_COUNT_MASK = 0xFFFF;

    /** Domain attributes bit 31: cap (and PAI) change notifications supported. */
    static final int ATTR_CAP_NOTIFY = 1 << 31;
    /** Domain attributes bit 30: measurement notifications supported. */
    static final int ATTR_MEASUREMENTS_NOTIFY = 1 << 30;
    /** Domain attributes bit 29: asynchronous POWERCAP_CAP_SET supported. */
    static final int ATTR_ASYNC_CAP_SET = 1 << 29;
    /** Domain attributes bit 28: POWERCAP_DOMAIN_NAME_GET gives a longer name. */
    static final int ATTR_EXTENDED_NAME = 1 << 28;
    /** Domain attributes bit 27: the cap can be set. */
    static final int ATTR_CAP_CONFIGURABLE = 1 << 27;
    /** Domain attributes bit 26: the zone measures its power. */
    static final int ATTR_MONITORING = 1 << 26;
    /** Domain attributes bit 25: the averaging interval can be set. */
    static final int ATTR_PAI_CONFIGURABLE = 1 << 25;
    /** Domain attributes bits 24:23: power unit, 1 = microwatts. */
    static final int ATTR_UNIT_MICROWATTS = 1 << 23;
    /* Bit 22 (fast channels) stays clear: virtio-scmi has no shared memory for them. */

    /** parent_id of a zone no other zone contains. */
    static final int ROOT_ZONE = 0xFFFF_FFFF;

    /** POWERCAP_CAP_SET flags bit 0: no delayed response for an asynchronous set. */
    static final int SET_IGNORE_DELAYED_RESPONSE = 1;
    /** POWERCAP_CAP_SET flags bit 1: asynchronous. */
    static final int SET_ASYNC = 1 << 1;
    static final int SET_FLAGS_RESERVED = ~(SET_IGNORE_DELAYED_RESPONSE | SET_ASYNC);
    /** POWERCAP_CAP_SET: a cap of 0 withdraws the agent's cap. */
    static final int NO_CAP = 0;
    /** POWERCAP_PAI_SET flags: reserved, zero. */
    static final int PAI_FLAGS = 0;
    /** POWERCAP_DOMAIN_NAME_GET flags word: reserved, zero. */
    static final int NAME_FLAGS = 0;

    /** domain_id. */
    static final int DOMAIN_ID_LENGTH = 4;
    /** domain_id, notify_enable / message_id. */
    static final int DOMAIN_AND_WORD_LENGTH = 8;
    /** domain_id, flags, power_cap / pai. */
    static final int SET_LENGTH = 12;
    /** domain_id, notify_enable, power_thresh_low, power_thresh_high. */
    static final int MEASUREMENTS_NOTIFY_LENGTH = 16;

    private PowercapMessages() {
    }

    static int notificationHeader(int notificationId) {
        return ScmiHeader.notification(POWERCAP_PROTOCOL_ID, notificationId).encode();
    }

    /** POWERCAP_CAP_CHANGED: agent_id, domain_id, power_cap, pai; Linux drops any other size. */
    static byte[] capChanged(int agentId, int zoneId, int cap, int pai) {
        return Reply.words(agentId, zoneId, cap, pai);
    }

    /** POWERCAP_MEASUREMENTS_CHANGED: agent_id, domain_id, power; Linux drops any other size. */
    static byte[] measurementsChanged(int agentId, int zoneId, int power) {
        return Reply.words(agentId, zoneId, power);
    }

    /** A successful POWERCAP_CAP_SET delayed response: status, domain_id, and the cap in effect. */
    static byte[] capSetCompleted(int zoneId, int cap) {
        return Reply.words(ScmiStatus.SUCCESS.code(), zoneId, cap);
    }

    /** A failed POWERCAP_CAP_SET delayed response: the status alone, as for every error. */
    static byte[] capSetFailed(ScmiStatus status) {
        return Reply.words(status.code());
    }

}
