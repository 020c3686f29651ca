package org.scmi.base;

import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;

/**
 * The Base protocol's wire layouts: parameters, return values and the BASE_ERROR_EVENT payload.
 * Every field is named here and decoded or encoded only here.
 */
final class BaseCodec {
    /** PROTOCOL_ATTRIBUTES bits 7:0: number of protocols, Base excluded. */
    static final int ATTRIBUTES_PROTOCOLS_SHIFT = 0;
    /** PROTOCOL_ATTRIBUTES bits 15:8: number of agents, platform excluded. */
    static final int ATTRIBUTES_AGENTS_SHIFT = 8;
    /** Both counts of PROTOCOL_ATTRIBUTES are 8-bit fields; bits 31:16 are reserved (zero). */
    static final int ATTRIBUTES_COUNT_MASK = 0xFF;

    /** BASE_DISCOVER_LIST_PROTOCOLS packs protocol ids one byte each, four to a word, first id in byte 0. */
    static final int PROTOCOL_IDS_PER_WORD = Integer.BYTES;

    /** BASE_DISCOVER_AGENT agent_id of the platform. */
    static final int AGENT_PLATFORM = 0;
    /** BASE_DISCOVER_AGENT agent_id meaning "the agent sending this command". */
    static final int AGENT_CALLER = 0xFFFFFFFF;

    /** BASE_NOTIFY_ERRORS notify_enable bit 0: send BASE_ERROR_EVENT; bits 31:1 reserved. */
    static final int NOTIFY_ENABLE = 1;
    /** Permission flags bit 0: 1 allows access, 0 denies it; bits 31:1 reserved. */
    static final int ACCESS_ALLOW = 1;
    /** BASE_RESET_AGENT_CONFIGURATION flags bit 0: also reset access permissions; bits 31:1 reserved. */
    static final int RESET_PERMISSIONS = 1;

    /** BASE_ERROR_EVENT error_status bit 31: the error is fatal. */
    static final int ERROR_FATAL = 1 << 31;
    /** BASE_ERROR_EVENT error_status bits 9:0: number of 64-bit reports that follow. */
    static final int ERROR_REPORT_COUNT_MASK = 0x3FF;

    /** BASE_DISCOVER_LIST_PROTOCOLS: skip. */
    static final int LIST_PROTOCOLS_PARAMETERS = Integer.BYTES;
    /** BASE_DISCOVER_AGENT: agent_id. */
    static final int DISCOVER_AGENT_PARAMETERS = Integer.BYTES;
    /** BASE_NOTIFY_ERRORS: notify_enable. */
    static final int NOTIFY_ERRORS_PARAMETERS = Integer.BYTES;
    /** BASE_SET_DEVICE_PERMISSIONS: agent_id, device_id, flags. */
    static final int DEVICE_PERMISSIONS_PARAMETERS = 3 * Integer.BYTES;
    /** BASE_SET_PROTOCOL_PERMISSIONS: agent_id, device_id, protocol_id, flags. */
    static final int PROTOCOL_PERMISSIONS_PARAMETERS = 4 * Integer.BYTES;
    /** BASE_RESET_AGENT_CONFIGURATION: agent_id, flags. */
    static final int RESET_AGENT_PARAMETERS = 2 * Integer.BYTES;

    private BaseCodec() {
    }

    /** BASE_SET_DEVICE_PERMISSIONS parameters; flags are checked when read through {@link #allow()}. */
    record DevicePermissions(int agentId, int deviceId, int flags) {
        static DevicePermissions read(Payload parameters) throws ScmiException {
            return new DevicePermissions(parameters.u32(), parameters.u32(), parameters.u32());
        }

        boolean allow() throws ScmiException {
            return flag(flags, ACCESS_ALLOW, "flags");
        }
    }

    /** BASE_SET_PROTOCOL_PERMISSIONS parameters; flags are checked when read through {@link #allow()}. */
    record ProtocolPermissions(int agentId, int deviceId, int protocolId, int flags) {
        static ProtocolPermissions read(Payload parameters) throws ScmiException {
            return new ProtocolPermissions(parameters.u32(), parameters.u32(), parameters.u32(), parameters.u32());
        }

        boolean allow() throws ScmiException {
            return flag(flags, ACCESS_ALLOW, "flags");
        }
    }

    /** BASE_RESET_AGENT_CONFIGURATION parameters; flags are checked when read through {@link #resetPermissions()}. */
    record AgentReset(int agentId, int flags) {
        static AgentReset read(Payload parameters) throws ScmiException {
            return new AgentReset(parameters.u32(), parameters.u32());
        }

        boolean resetPermissions() throws ScmiException {
            return flag(flags, RESET_PERMISSIONS, "flags");
        }
    }

    /** BASE_NOTIFY_ERRORS: whether the agent asks for error notifications. */
    static boolean readNotifyEnable(Payload parameters) throws ScmiException {
        return flag(parameters.u32(), NOTIFY_ENABLE, "notify_enable");
    }

    static void writeAttributes(Reply reply, int protocolCount, int agentCount) throws ScmiException {
        reply.u32((protocolCount & ATTRIBUTES_COUNT_MASK) << ATTRIBUTES_PROTOCOLS_SHIFT
                | (agentCount & ATTRIBUTES_COUNT_MASK) << ATTRIBUTES_AGENTS_SHIFT);
    }

    /**
     * One part of BASE_DISCOVER_LIST_PROTOCOLS: as many of {@code ids} after the first {@code skip}
     * as the agent's buffer holds, so the reply is exactly 4 + 4·⌈n/4⌉ bytes.
     *
     * @param ids protocol ids in ascending order, Base excluded
     * @param skip the agent's skip parameter, an unsigned 32-bit count
     */
    static void writeProtocolList(Reply reply, int[] ids, int skip) throws ScmiException {
        if (Integer.compareUnsigned(skip, ids.length) > 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS,
                    "skip " + Integer.toUnsignedString(skip) + " is past the " + ids.length + " protocols");
        }
        int left = ids.length - skip;
        int roomForIds = Math.max(0, reply.remaining() - Integer.BYTES) / Integer.BYTES * PROTOCOL_IDS_PER_WORD;
        int count = Math.min(left, roomForIds);
        if (count == 0 && left > 0) {
            throw new ScmiException(ScmiStatus.COMMS_ERROR,
                    "a buffer of " + reply.remaining() + " bytes holds no protocol id");
        }
        byte[] packed = new byte[Math.ceilDiv(count, PROTOCOL_IDS_PER_WORD) * Integer.BYTES];
        for (int i = 0; i < count; i++) {
            packed[i] = (byte) ids[skip + i];
        }
        reply.u32(count).bytes(packed);
    }

    /** BASE_DISCOVER_AGENT return values: agent_id and its 16-byte name. */
    static void writeAgent(Reply reply, int agentId, String name) throws ScmiException {
        reply.u32(agentId).name(name, Reply.SHORT_NAME);
    }

    /**
     * The BASE_ERROR_EVENT payload: agent_id, error_status, then each report as a 64-bit value.
     *
     * @throws IllegalArgumentException if there are more reports than error_status can count
     */
    static byte[] errorEvent(int agentId, boolean fatal, long[] reports) {
        if (reports.length > ERROR_REPORT_COUNT_MASK) {
            throw new IllegalArgumentException(
                    reports.length + " error reports; an event carries at most " + ERROR_REPORT_COUNT_MASK);
        }
        Reply payload = new Reply(2 * Integer.BYTES + reports.length * Long.BYTES);
        try {
            payload.u32(agentId).u32((fatal ? ERROR_FATAL : 0) | reports.length);
            for (long report : reports) {
                payload.u64(report);
            }
        } catch (ScmiException sizedExactly) {
            throw new IllegalStateException(sizedExactly);
        }
        return payload.toByteArray();
    }

    /** A one-bit flags word: bit {@code bit} read, every other bit reserved and required to be zero. */
    private static boolean flag(int value, int bit, String field) throws ScmiException {
        if ((value & ~bit) != 0) {
            throw new ScmiException(ScmiStatus.INVALID_PARAMETERS,
                    String.format("reserved bits set in %s 0x%08x", field, value));
        }
        return (value & bit) != 0;
    }
}
