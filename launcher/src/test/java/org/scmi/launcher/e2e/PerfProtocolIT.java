package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.BoardServer.AGENT_B;
import static org.scmi.launcher.e2e.Scmi.EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_OFF;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_ON;
import static org.scmi.launcher.e2e.Scmi.PERF;
import static org.scmi.launcher.e2e.Scmi.PERF_DESCRIBE_FASTCHANNEL;
import static org.scmi.launcher.e2e.Scmi.PERF_DESCRIBE_LEVELS;
import static org.scmi.launcher.e2e.Scmi.PERF_DOMAIN_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PERF_DOMAIN_NAME_GET;
import static org.scmi.launcher.e2e.Scmi.PERF_EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.PERF_LEVELS_REMAINING_SHIFT;
import static org.scmi.launcher.e2e.Scmi.PERF_LEVEL_CHANGED;
import static org.scmi.launcher.e2e.Scmi.PERF_LEVEL_DESCRIPTOR;
import static org.scmi.launcher.e2e.Scmi.PERF_LEVEL_GET;
import static org.scmi.launcher.e2e.Scmi.PERF_LEVEL_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.PERF_LEVEL_SET;
import static org.scmi.launcher.e2e.Scmi.PERF_LIMITS_CHANGED;
import static org.scmi.launcher.e2e.Scmi.PERF_LIMITS_GET;
import static org.scmi.launcher.e2e.Scmi.PERF_LIMITS_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.PERF_LIMITS_SET;
import static org.scmi.launcher.e2e.Scmi.PERF_NOTIFY_LEVEL;
import static org.scmi.launcher.e2e.Scmi.PERF_NOTIFY_LIMITS;
import static org.scmi.launcher.e2e.Scmi.PERF_POWER_IN_MICROWATTS;
import static org.scmi.launcher.e2e.Scmi.PERF_SET_LEVEL;
import static org.scmi.launcher.e2e.Scmi.PERF_SET_LIMITS;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The whole Performance domain management protocol (0x13, v4.0) through the running server, with
 * two guests: every message with its errors, byte for byte, the level descriptors paged in small
 * buffers; the arbitration between the guests; PERFORMANCE_LEVEL_CHANGED and
 * PERFORMANCE_LIMITS_CHANGED on the eventq of exactly the subscribed guests, for changes by a
 * guest and by the platform (the simulated board's shell); no fast channels over virtio.
 */
class PerfProtocolIT extends TwoGuests {
    private static final int VERSION = 0x4_0000;
    private static final String BOARD = """
            {
              "performanceDomains": [
                { "name": "cpu_little", "key": "little", "level": 400000, "rateLimitUs": 1000,
                  "levels": [
                    { "level": 400000, "powerMicrowatts": 80000, "latencyUs": 200 },
                    { "level": 600000, "powerMicrowatts": 130000, "latencyUs": 200 },
                    { "level": 800000, "powerMicrowatts": 200000, "latencyUs": 200 },
                    { "level": 1000000, "powerMicrowatts": 290000, "latencyUs": 200 },
                    { "level": 1200000, "powerMicrowatts": 400000, "latencyUs": 200 } ] },
                { "name": "cpu_big_cluster_performance", "key": "big", "level": 600000, "sustainedLevel": 1800000,
                  "levels": [
                    { "level": 600000, "powerMicrowatts": 300000, "latencyUs": 300 },
                    { "level": 800000, "powerMicrowatts": 400000, "latencyUs": 300 },
                    { "level": 1000000, "powerMicrowatts": 500000, "latencyUs": 300 },
                    { "level": 1200000, "powerMicrowatts": 600000, "latencyUs": 300 },
                    { "level": 1400000, "powerMicrowatts": 700000, "latencyUs": 300 },
                    { "level": 1600000, "powerMicrowatts": 800000, "latencyUs": 300 },
                    { "level": 1800000, "powerMicrowatts": 900000, "latencyUs": 300 },
                    { "level": 2000000, "powerMicrowatts": 1000000, "latencyUs": 300 } ] },
                { "name": "gpu", "key": "gpu", "level": 200000, "controls": [],
                  "levels": [ { "level": 200000, "frequencyKhz": 250000 }, { "level": 400000, "frequencyKhz": 500000 } ] }
              ]
            }
            """;
    private static final int LITTLE = 0;
    private static final int BIG = 1;
    private static final String BIG_NAME = "cpu_big_cluster_performance";
    private static final int GPU = 2;
    private static final int DOMAINS = 3;
    private static final List<Integer> BIG_LEVELS = IntStream.rangeClosed(3, 10).mapToObj(k -> k * 200_000).toList();
    private static final int BIG_MAX = 2_000_000;
    private static final int BIG_MIN = 600_000;

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int LIMITS_REPLY = RESPONSE_PREFIX + 8;
    private static final int PROTOCOL_ATTRIBUTES_REPLY = RESPONSE_PREFIX + 16;
    private static final int ATTRIBUTES_REPLY = RESPONSE_PREFIX + 16 + SHORT_NAME;
    private static final int NAME_REPLY = RESPONSE_PREFIX + 4 + EXTENDED_NAME;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    /** Room for the count word and one level descriptor. */
    private static final int ONE_LEVEL_BUFFER = RESPONSE_PREFIX + 4 + PERF_LEVEL_DESCRIPTOR;
    /** Level descriptors in the 128 bytes Linux posts: (128 - 4) / 20. */
    private static final int LEVELS_PER_LINUX_REPLY = 6;
    private static final byte[] NOTHING = new byte[0];

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void versionAttributesAndMessageAttributes() throws Exception {
        a.call(PERF, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        a.call(PERF, PROTOCOL_ATTRIBUTES, PROTOCOL_ATTRIBUTES_REPLY)
                .assertValues(Le.words(DOMAINS | PERF_POWER_IN_MICROWATTS, 0, 0, 0));
        // Attributes 0 for every message: none has a fast channel over virtio.
        for (int message = PROTOCOL_VERSION; message <= PERF_DOMAIN_NAME_GET; message++) {
            a.call(PERF, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        for (int message : new int[] {0xD, NEGOTIATE_PROTOCOL_VERSION, 0x80}) {
            a.call(PERF, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertStatus(ScmiStatus.NOT_FOUND);
        }
        a.call(PERF, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, VERSION).assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void domainAttributesAndNames() throws Exception {
        int agentMay = PERF_SET_LIMITS | PERF_SET_LEVEL | PERF_LIMITS_NOTIFICATIONS | PERF_LEVEL_NOTIFICATIONS;
        a.call(PERF, PERF_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, LITTLE)
                .assertValues(Le.words(agentMay, 1000, 1_200_000, 1_200_000).name("cpu_little", SHORT_NAME));
        a.call(PERF, PERF_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, BIG).assertValues(
                Le.words(agentMay | PERF_EXTENDED_NAME, 0, 1_800_000, 1_800_000).name(Scmi.shortName(BIG_NAME),
                        SHORT_NAME));
        a.call(PERF, PERF_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, GPU).assertValues(
                Le.words(PERF_LIMITS_NOTIFICATIONS | PERF_LEVEL_NOTIFICATIONS, 0, 500_000, 400_000)
                        .name("gpu", SHORT_NAME));
        a.call(PERF, PERF_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(PERF, PERF_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY).assertStatus(ScmiStatus.PROTOCOL_ERROR);

        a.call(PERF, PERF_DOMAIN_NAME_GET, NAME_REPLY, BIG).assertValues(Le.words(0).name(BIG_NAME, EXTENDED_NAME));
        a.call(PERF, PERF_DOMAIN_NAME_GET, NAME_REPLY, GPU).assertValues(Le.words(0).name("gpu", EXTENDED_NAME));
        a.call(PERF, PERF_DOMAIN_NAME_GET, NAME_REPLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** Eight levels page as six and two in Linux's 128 bytes, and one by one in a buffer for one. */
    @Test
    void describeLevelsInPages() throws Exception {
        int rest = BIG_LEVELS.size() - LEVELS_PER_LINUX_REPLY;
        a.call(PERF, PERF_DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, BIG, 0)
                .assertValues(bigLevels(0, LEVELS_PER_LINUX_REPLY, rest));
        a.call(PERF, PERF_DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, BIG, LEVELS_PER_LINUX_REPLY)
                .assertValues(bigLevels(LEVELS_PER_LINUX_REPLY, rest, 0));
        for (int index = 0; index < BIG_LEVELS.size(); index++) {
            a.call(PERF, PERF_DESCRIBE_LEVELS, ONE_LEVEL_BUFFER, BIG, index)
                    .assertValues(bigLevels(index, 1, BIG_LEVELS.size() - index - 1));
        }
        a.call(PERF, PERF_DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, GPU, 0).assertValues(Le.words(2)
                .u32(200_000).u32(0).u32(0).u32(250_000).u32(0).u32(400_000).u32(0).u32(0).u32(500_000).u32(1));
        a.call(PERF, PERF_DESCRIBE_LEVELS, ONE_LEVEL_BUFFER, BIG, BIG_LEVELS.size())
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PERF, PERF_DESCRIBE_LEVELS, ONE_LEVEL_BUFFER, BIG, 0xFFFF_FFFF).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PERF, PERF_DESCRIBE_LEVELS, RESPONSE_PREFIX + 4, BIG, 0).assertStatus(ScmiStatus.COMMS_ERROR);
        a.call(PERF, PERF_DESCRIBE_LEVELS, LINUX_RESPONSE_BUFFER, DOMAINS, 0).assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** Descriptors of the big cluster's levels from {@code from}: level, power level/2 µW, 300 µs, frequency = level, index. */
    private static Le bigLevels(int from, int returned, int remaining) {
        Le reply = Le.words(returned | remaining << PERF_LEVELS_REMAINING_SHIFT);
        for (int index = from; index < from + returned; index++) {
            int level = BIG_LEVELS.get(index);
            reply.u32(level).u32(level / 2).u32(300).u32(level).u32(index);
        }
        return reply;
    }

    @Test
    void levelSetAndGet() throws Exception {
        a.call(PERF, PERF_LEVEL_GET, ONE_WORD_REPLY, LITTLE).assertValues(Le.words(400_000));
        a.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, LITTLE, 1_000_000).assertValues(NOTHING);
        b.call(PERF, PERF_LEVEL_GET, ONE_WORD_REPLY, LITTLE).assertValues(Le.words(1_000_000));

        a.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, LITTLE, 1_000_001).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, LITTLE, 1_400_000).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, GPU, 400_000).assertStatus(ScmiStatus.DENIED);
        a.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, DOMAINS, 400_000).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, LITTLE).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(PERF, PERF_LEVEL_GET, ONE_WORD_REPLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(PERF, PERF_LEVEL_GET, ONE_WORD_REPLY, LITTLE).assertValues(Le.words(1_000_000));
    }

    /** The highest request within each guest's own limits is in effect; a guest's limits bind only itself. */
    @Test
    void theHighestRequestWithinEachGuestsLimitsWins() throws Exception {
        a.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, BIG, 1_400_000).assertValues(NOTHING);
        b.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, BIG, 1_000_000, 800_000).assertValues(NOTHING);
        b.call(PERF, PERF_LIMITS_GET, LIMITS_REPLY, BIG).assertValues(Le.words(1_000_000, 800_000));
        a.call(PERF, PERF_LIMITS_GET, LIMITS_REPLY, BIG).assertValues(Le.words(BIG_MAX, BIG_MIN));
        b.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, BIG, 1_200_000).assertStatus(ScmiStatus.OUT_OF_RANGE);
        b.call(PERF, PERF_LEVEL_GET, ONE_WORD_REPLY, BIG).assertValues(Le.words(1_400_000));
        BoardServer.resetAndClose(a, AGENT_A);
        a = server.connectA();
        // With a's request gone, b's limits alone count, at their minimum.
        b.call(PERF, PERF_LEVEL_GET, ONE_WORD_REPLY, BIG).assertValues(Le.words(800_000));
    }

    @Test
    void limitsSetErrors() throws Exception {
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, BIG, 0, 0).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, BIG, BIG_MAX + 1, BIG_MIN).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, BIG, BIG_MAX, BIG_MIN - 1).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, BIG, BIG_MIN, BIG_MAX).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, GPU, 400_000, 200_000).assertStatus(ScmiStatus.DENIED);
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, DOMAINS, BIG_MAX, BIG_MIN).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, BIG, BIG_MAX).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(PERF, PERF_LIMITS_GET, LIMITS_REPLY, DOMAINS).assertStatus(ScmiStatus.NOT_FOUND);
        // A limit of 0 keeps that one.
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, BIG, 1_600_000, 0).assertValues(NOTHING);
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, BIG, 0, 1_000_000).assertValues(NOTHING);
        a.call(PERF, PERF_LIMITS_GET, LIMITS_REPLY, BIG).assertValues(Le.words(1_600_000, 1_000_000));
        a.call(PERF, PERF_LIMITS_SET, STATUS_ONLY, BIG, 0, 1_800_000).assertStatus(ScmiStatus.INVALID_PARAMETERS);
    }

    /** b changes the level: a, subscribed, hears it naming b; b, not subscribed, hears nothing. */
    @Test
    void levelChangesAreNotifiedToTheSubscriberOnly() throws Exception {
        a.call(PERF, PERF_NOTIFY_LEVEL, STATUS_ONLY, BIG, NOTIFY_ON).assertValues(NOTHING);
        b.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, BIG, 1_600_000).assertValues(NOTHING);
        a.awaitEvent(levelChanged(AGENT_B, BIG, 1_600_000));
        b.assertNoEvent();
        b.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, BIG, 1_600_000).assertValues(NOTHING);
        a.assertNoEvent();
        a.call(PERF, PERF_NOTIFY_LEVEL, STATUS_ONLY, BIG, NOTIFY_OFF).assertValues(NOTHING);
        b.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, BIG, 1_000_000).assertValues(NOTHING);
        a.assertNoEvent();
    }

    /**
     * The platform narrows its limits (the board's shell): the hardware moves into them, the
     * subscribed guest hears the level and its new view of the limits from agent 0; when the
     * platform widens them again, the level goes back up to what the guests ask for.
     */
    @Test
    void platformLimitsAreNotifiedFromAgentZero() throws Exception {
        a.call(PERF, PERF_NOTIFY_LIMITS, STATUS_ONLY, BIG, NOTIFY_ON).assertValues(NOTHING);
        a.call(PERF, PERF_NOTIFY_LEVEL, STATUS_ONLY, BIG, NOTIFY_ON).assertValues(NOTHING);
        b.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, BIG, 1_800_000).assertValues(NOTHING);
        a.awaitEvent(levelChanged(AGENT_B, BIG, 1_800_000));
        try {
            assertEquals("cpu_big_cluster_performance limits 1200000..600000, level 1200000\n",
                    server.admin("perfLimits big 1200000 600000"));
            a.awaitEvent(levelChanged(Scmi.AGENT_PLATFORM, BIG, 1_200_000));
            a.awaitEvent(limitsChanged(Scmi.AGENT_PLATFORM, BIG, 1_200_000, BIG_MIN));
            b.assertNoEvent();
            b.call(PERF, PERF_LIMITS_GET, LIMITS_REPLY, BIG).assertValues(Le.words(1_200_000, BIG_MIN));
            b.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, BIG, 1_400_000).assertStatus(ScmiStatus.OUT_OF_RANGE);
        } finally {
            assertEquals("cpu_big_cluster_performance limits 2000000..600000, level 1800000\n",
                    server.admin("perfLimits big 2000000 600000"));
        }
        a.awaitEvent(limitsChanged(Scmi.AGENT_PLATFORM, BIG, BIG_MAX, BIG_MIN));
        a.awaitEvent(levelChanged(Scmi.AGENT_PLATFORM, BIG, 1_800_000));
    }

    @Test
    void platformLevelChangesAreNotifiedFromAgentZero() throws Exception {
        b.call(PERF, PERF_NOTIFY_LEVEL, STATUS_ONLY, LITTLE, NOTIFY_ON).assertValues(NOTHING);
        assertEquals("cpu_little now runs at level 1200000\n", server.admin("perfLevel little 1200000"));
        b.awaitEvent(levelChanged(Scmi.AGENT_PLATFORM, LITTLE, 1_200_000));
        a.assertNoEvent();
        a.call(PERF, PERF_LEVEL_GET, ONE_WORD_REPLY, LITTLE).assertValues(Le.words(1_200_000));
        assertEquals("cpu_little now runs at level 400000\n", server.admin("perfLevel little 400000"));
        b.awaitEvent(levelChanged(Scmi.AGENT_PLATFORM, LITTLE, 400_000));
    }

    @Test
    void notifyErrors() throws Exception {
        assertNotifyErrors(a, PERF, DOMAINS, BIG, PERF_NOTIFY_LIMITS, PERF_NOTIFY_LEVEL);
    }

    /** No fast channel: NOT_SUPPORTED for a message of the protocol, NOT_FOUND for a domain or a message that is not. */
    @Test
    void describeFastChannelSaysThereAreNone() throws Exception {
        for (int message : new int[] {PERF_LIMITS_SET, PERF_LIMITS_GET, PERF_LEVEL_SET, PERF_LEVEL_GET}) {
            a.call(PERF, PERF_DESCRIBE_FASTCHANNEL, LINUX_RESPONSE_BUFFER, BIG, message)
                    .assertStatus(ScmiStatus.NOT_SUPPORTED);
        }
        a.call(PERF, PERF_DESCRIBE_FASTCHANNEL, LINUX_RESPONSE_BUFFER, BIG, 0xD).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(PERF, PERF_DESCRIBE_FASTCHANNEL, LINUX_RESPONSE_BUFFER, DOMAINS, PERF_LEVEL_SET)
                .assertStatus(ScmiStatus.NOT_FOUND);
        a.call(PERF, PERF_DESCRIBE_FASTCHANNEL, LINUX_RESPONSE_BUFFER, BIG).assertStatus(ScmiStatus.PROTOCOL_ERROR);
    }

    /** A guest without VIRTIO_SCMI_F_P2A_CHANNELS is offered no notifications. */
    @Test
    void aGuestWithoutAnEventQueue() throws Exception {
        b.close();
        b = server.connectBWithoutEventQueue();
        b.call(PERF, PERF_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, LITTLE).assertValues(
                Le.words(PERF_SET_LIMITS | PERF_SET_LEVEL, 1000, 1_200_000, 1_200_000).name("cpu_little", SHORT_NAME));
        assertNoNotifyCommands(b, PERF, BIG, PERF_NOTIFY_LIMITS, PERF_NOTIFY_LEVEL);
        b.call(PERF, PERF_LEVEL_SET, STATUS_ONLY, LITTLE, 600_000).assertValues(NOTHING);
    }

    private static Le levelChanged(int agentId, int domainId, int level) {
        return Le.words(Scmi.notificationHeader(PERF, PERF_LEVEL_CHANGED), agentId, domainId, level);
    }

    private static Le limitsChanged(int agentId, int domainId, int max, int min) {
        return Le.words(Scmi.notificationHeader(PERF, PERF_LIMITS_CHANGED), agentId, domainId, max, min);
    }
}
