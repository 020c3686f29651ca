package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.Scmi.EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_OFF;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_ON;
import static org.scmi.launcher.e2e.Scmi.PERF;
import static org.scmi.launcher.e2e.Scmi.PERF_LIMITS_CHANGED;
import static org.scmi.launcher.e2e.Scmi.PERF_NOTIFY_LIMITS;
import static org.scmi.launcher.e2e.Scmi.POWERCAP;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_ASYNC_CAP_SET;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_CAP_CHANGED;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_CAP_CONFIGURABLE;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_CAP_GET;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_CAP_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_CAP_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_CAP_SET;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_DESCRIBE_FASTCHANNEL;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_DOMAIN_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_DOMAIN_NAME_GET;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_MEASUREMENTS_CHANGED;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_MEASUREMENTS_GET;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_MEASUREMENTS_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_MEASUREMENT_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_MICROWATTS;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_MONITORING;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_PAI_CONFIGURABLE;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_PAI_GET;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_PAI_SET;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_ROOT;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_SET_ASYNC;
import static org.scmi.launcher.e2e.Scmi.POWERCAP_SET_IGNORE_DELAYED_RESPONSE;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The whole Powercap protocol (0x18, v2.0) through the running server, with two guests: every
 * message with its errors, byte for byte; the lowest cap in effect; the delayed response of an
 * asynchronous POWERCAP_CAP_SET; POWERCAP_CAP_CHANGED and POWERCAP_MEASUREMENTS_CHANGED on the eventq
 * of exactly the subscribed guests; a cap throttling the zone's performance domain, which the
 * guests see as PERFORMANCE_LIMITS_CHANGED from the platform.
 */
class PowercapProtocolIT extends TwoGuests {
    private static final int VERSION = 0x2_0000;
    private static final String BOARD = """
            {
              "performanceDomains": [
                { "name": "cpu", "key": "cpu", "level": 1400000,
                  "levels": [ { "level": 600000, "powerMicrowatts": 300000 },
                              { "level": 1000000, "powerMicrowatts": 600000 },
                              { "level": 1400000, "powerMicrowatts": 1000000 } ] }
              ],
              "powercapZones": [
                { "name": "soc", "performanceDomains": ["cpu"], "drawMicrowatts": 1000000,
                  "caps": { "min": 1000000, "max": 8000000, "step": 100000 },
                  "intervals": { "min": 100000, "max": 1000000, "step": 100000 }, "interval": 1000000,
                  "sustainableMicrowatts": 5000000, "accuracyMilliPercent": 500, "delayMs": 30 },
                { "name": "cpu_cluster_power_zone", "key": "cluster", "parent": "soc",
                  "caps": { "min": 4000000, "max": 4000000 }, "cap": 4000000,
                  "intervals": { "min": 500000, "max": 500000 }, "monitored": false, "delayMs": 2000 }
              ]
            }
            """;
    private static final int SOC = 0;
    private static final int CLUSTER = 1;
    private static final String CLUSTER_NAME = "cpu_cluster_power_zone";
    private static final int ZONES = 2;
    private static final int CPU_DOMAIN = 0;
    private static final int WATT = 1_000_000;
    /** The soc zone at start: its own 1 W and the cpu domain's 1 W at its highest level. */
    private static final int SOC_POWER = 2 * WATT;

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int MEASUREMENTS_REPLY = RESPONSE_PREFIX + 8;
    private static final int ATTRIBUTES_REPLY = RESPONSE_PREFIX + 4 + SHORT_NAME + 9 * 4;
    private static final int NAME_REPLY = RESPONSE_PREFIX + 4 + EXTENDED_NAME;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    private static final byte[] NOTHING = new byte[0];

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void versionAttributesAndMessageAttributes() throws Exception {
        a.call(POWERCAP, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        a.call(POWERCAP, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY).assertValues(Le.words(ZONES));
        for (int message = PROTOCOL_VERSION; message <= POWERCAP_DESCRIBE_FASTCHANNEL; message++) {
            a.call(POWERCAP, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        for (int message : new int[] {0xD, NEGOTIATE_PROTOCOL_VERSION, 0x80}) {
            a.call(POWERCAP, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertStatus(ScmiStatus.NOT_FOUND);
        }
    }

    @Test
    void zoneAttributesAndNames() throws Exception {
        a.call(POWERCAP, POWERCAP_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, SOC).assertValues(Le.words(
                POWERCAP_CAP_NOTIFICATIONS | POWERCAP_MEASUREMENT_NOTIFICATIONS | POWERCAP_ASYNC_CAP_SET
                        | POWERCAP_CAP_CONFIGURABLE | POWERCAP_MONITORING | POWERCAP_PAI_CONFIGURABLE
                        | POWERCAP_MICROWATTS).name("soc", SHORT_NAME)
                .u32(100_000).u32(1_000_000).u32(100_000).u32(WATT).u32(8 * WATT).u32(100_000)
                .u32(5 * WATT).u32(500).u32(POWERCAP_ROOT));
        // A fixed cap and interval, no monitoring, and 2 s to apply a cap: too slow to offer asynchronously.
        a.call(POWERCAP, POWERCAP_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, CLUSTER).assertValues(Le.words(
                POWERCAP_CAP_NOTIFICATIONS | POWERCAP_EXTENDED_NAME | POWERCAP_MICROWATTS)
                .name(Scmi.shortName(CLUSTER_NAME), SHORT_NAME).u32(500_000).u32(500_000).u32(0)
                .u32(4 * WATT).u32(4 * WATT).u32(0).u32(4 * WATT).u32(0).u32(SOC));
        a.call(POWERCAP, POWERCAP_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, ZONES).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(POWERCAP, POWERCAP_DOMAIN_NAME_GET, NAME_REPLY, CLUSTER)
                .assertValues(Le.words(0).name(CLUSTER_NAME, EXTENDED_NAME));
        a.call(POWERCAP, POWERCAP_DOMAIN_NAME_GET, NAME_REPLY, ZONES).assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** The lowest cap a guest or the platform wants is in effect; a cap of 0 withdraws one's own. */
    @Test
    void theLowestCapIsInEffect() throws Exception {
        a.call(POWERCAP, POWERCAP_CAP_GET, ONE_WORD_REPLY, SOC).assertValues(Le.words(0));
        a.call(POWERCAP, POWERCAP_CAP_GET, ONE_WORD_REPLY, CLUSTER).assertValues(Le.words(4 * WATT));
        capSet(a, 0, SOC, 5 * WATT).assertValues(NOTHING);
        capSet(b, 0, SOC, 6 * WATT).assertValues(NOTHING);
        b.call(POWERCAP, POWERCAP_CAP_GET, ONE_WORD_REPLY, SOC).assertValues(Le.words(5 * WATT));
        capSet(a, 0, SOC, 0).assertValues(NOTHING);
        a.call(POWERCAP, POWERCAP_CAP_GET, ONE_WORD_REPLY, SOC).assertValues(Le.words(6 * WATT));
    }

    @Test
    void capSetErrors() throws Exception {
        capSet(a, 1 << 2, SOC, 5 * WATT).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        capSet(a, 0, CLUSTER, 4 * WATT).assertStatus(ScmiStatus.NOT_SUPPORTED);
        capSet(a, 0, SOC, 9 * WATT).assertStatus(ScmiStatus.OUT_OF_RANGE);
        capSet(a, 0, SOC, 5 * WATT + 1).assertStatus(ScmiStatus.OUT_OF_RANGE);
        capSet(a, 0, ZONES, 5 * WATT).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(POWERCAP, POWERCAP_CAP_SET, STATUS_ONLY, SOC, 0).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(POWERCAP, POWERCAP_CAP_GET, ONE_WORD_REPLY, ZONES).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(POWERCAP, POWERCAP_CAP_GET, ONE_WORD_REPLY, SOC).assertValues(Le.words(0));
    }

    /**
     * An asynchronous cap is answered at once with SUCCESS alone, and completed by a delayed response
     * with the cap in effect once the zone enforces it: the platform throttled the zone's cpu domain,
     * which b, watching its limits, hears from agent 0, then b hears of the cap naming a.
     */
    @Test
    void anAsynchronousCapThrottlesTheZoneAndCompletesWithADelayedResponse() throws Exception {
        b.call(PERF, PERF_NOTIFY_LIMITS, STATUS_ONLY, CPU_DOMAIN, NOTIFY_ON).assertValues(NOTHING);
        b.call(POWERCAP, POWERCAP_CAP_NOTIFY, STATUS_ONLY, SOC, NOTIFY_ON).assertValues(NOTHING);
        // 1.5 W less the zone's own 1 W leaves the cpu domain 0.5 W: its 600 MHz level.
        Response accepted = capSet(a, POWERCAP_SET_ASYNC, SOC, 1_500_000);
        accepted.assertValues(NOTHING);
        a.awaitEvent(Le.words(Scmi.delayedResponseHeader(accepted.commandHeader()), ScmiStatus.SUCCESS.code(), SOC,
                1_500_000));
        b.awaitEvent(perfLimitsChanged(600_000, 600_000));
        b.awaitEvent(capChanged(AGENT_A, SOC, 1_500_000, 1_000_000));
        a.call(PERF, Scmi.PERF_LEVEL_GET, ONE_WORD_REPLY, CPU_DOMAIN).assertValues(Le.words(600_000));
        a.call(POWERCAP, POWERCAP_MEASUREMENTS_GET, MEASUREMENTS_REPLY, SOC)
                .assertValues(Le.words(1_300_000, 1_000_000));

        // Without a delayed response: only the notification.
        capSet(a, POWERCAP_SET_ASYNC | POWERCAP_SET_IGNORE_DELAYED_RESPONSE, SOC, 8 * WATT).assertValues(NOTHING);
        b.awaitEvent(perfLimitsChanged(1_400_000, 600_000));
        b.awaitEvent(capChanged(AGENT_A, SOC, 8 * WATT, 1_000_000));
        a.assertNoEvent();
        capSet(a, POWERCAP_SET_ASYNC, CLUSTER, 4 * WATT).assertStatus(ScmiStatus.NOT_SUPPORTED);
        // Lifting the cap allows higher levels, but nobody asked for one: the platform puts the level back.
        assertEquals("cpu now runs at level 1400000\n", server.admin("perfLevel cpu 1400000"));
    }

    @Test
    void averagingIntervals() throws Exception {
        b.call(POWERCAP, POWERCAP_CAP_NOTIFY, STATUS_ONLY, SOC, NOTIFY_ON).assertValues(NOTHING);
        a.call(POWERCAP, POWERCAP_PAI_GET, ONE_WORD_REPLY, SOC).assertValues(Le.words(1_000_000));
        a.call(POWERCAP, POWERCAP_PAI_SET, STATUS_ONLY, SOC, 0, 300_000).assertValues(NOTHING);
        b.awaitEvent(capChanged(AGENT_A, SOC, 0, 300_000));
        b.call(POWERCAP, POWERCAP_PAI_GET, ONE_WORD_REPLY, SOC).assertValues(Le.words(300_000));
        a.call(POWERCAP, POWERCAP_PAI_SET, STATUS_ONLY, SOC, 1, 300_000).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(POWERCAP, POWERCAP_PAI_SET, STATUS_ONLY, SOC, 0, 1_100_000).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(POWERCAP, POWERCAP_PAI_SET, STATUS_ONLY, SOC, 0, 150_000).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(POWERCAP, POWERCAP_PAI_SET, STATUS_ONLY, CLUSTER, 0, 500_000).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(POWERCAP, POWERCAP_PAI_SET, STATUS_ONLY, ZONES, 0, 500_000).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(POWERCAP, POWERCAP_PAI_GET, ONE_WORD_REPLY, ZONES).assertStatus(ScmiStatus.NOT_FOUND);
        BoardServer.resetAndClose(a, AGENT_A);
        a = server.connectA();
        b.awaitEvent(capChanged(AGENT_A, SOC, 0, 1_000_000));
        b.call(POWERCAP, POWERCAP_PAI_GET, ONE_WORD_REPLY, SOC).assertValues(Le.words(1_000_000));
    }

    /**
     * The zone's draw leaves a's thresholds: a hears the measurement at the end of an averaging
     * interval; b, not subscribed, hears nothing.
     */
    @Test
    void measurementsOutsideTheThresholdsAreNotifiedToTheSubscriberOnly() throws Exception {
        a.call(POWERCAP, POWERCAP_MEASUREMENTS_GET, MEASUREMENTS_REPLY, SOC)
                .assertValues(Le.words(SOC_POWER, 1_000_000));
        a.call(POWERCAP, POWERCAP_MEASUREMENTS_GET, MEASUREMENTS_REPLY, CLUSTER).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(POWERCAP, POWERCAP_PAI_SET, STATUS_ONLY, SOC, 0, 100_000).assertValues(NOTHING);
        a.call(POWERCAP, POWERCAP_MEASUREMENTS_NOTIFY, STATUS_ONLY, SOC, NOTIFY_ON, WATT, 3 * WATT)
                .assertValues(NOTHING);
        try {
            assertEquals("soc draws 3500000 µW\n", server.admin("powercapDraw soc 2500000"));
            a.awaitEvent(Le.words(Scmi.notificationHeader(POWERCAP, POWERCAP_MEASUREMENTS_CHANGED),
                    Scmi.AGENT_PLATFORM, SOC, 3_500_000));
            b.assertNoEvent();
        } finally {
            a.call(POWERCAP, POWERCAP_MEASUREMENTS_NOTIFY, STATUS_ONLY, SOC, NOTIFY_OFF, 0, 0).assertValues(NOTHING);
            assertEquals("soc draws 2000000 µW\n", server.admin("powercapDraw soc 1000000"));
        }
        a.call(POWERCAP, POWERCAP_MEASUREMENTS_NOTIFY, STATUS_ONLY, SOC, NOTIFY_ON, 3 * WATT, WATT)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(POWERCAP, POWERCAP_MEASUREMENTS_NOTIFY, STATUS_ONLY, SOC, 2, 0, WATT)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(POWERCAP, POWERCAP_MEASUREMENTS_NOTIFY, STATUS_ONLY, CLUSTER, NOTIFY_ON, 0, WATT)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(POWERCAP, POWERCAP_MEASUREMENTS_NOTIFY, STATUS_ONLY, ZONES, NOTIFY_ON, 0, WATT)
                .assertStatus(ScmiStatus.NOT_FOUND);
        a.call(POWERCAP, POWERCAP_MEASUREMENTS_NOTIFY, STATUS_ONLY, SOC, NOTIFY_ON, 0)
                .assertStatus(ScmiStatus.PROTOCOL_ERROR);
    }

    /** The platform caps the zone (the board's shell): the subscriber hears it from agent 0. */
    @Test
    void platformCapsAreNotifiedFromAgentZero() throws Exception {
        a.call(POWERCAP, POWERCAP_CAP_NOTIFY, STATUS_ONLY, SOC, NOTIFY_ON).assertValues(NOTHING);
        try {
            assertEquals("soc capped at 7000000 µW by the platform\n", server.admin("powercapCap soc 7000000"));
            a.awaitEvent(capChanged(Scmi.AGENT_PLATFORM, SOC, 7 * WATT, 1_000_000));
            b.assertNoEvent();
            capSet(b, 0, SOC, 8 * WATT).assertValues(NOTHING);
            b.call(POWERCAP, POWERCAP_CAP_GET, ONE_WORD_REPLY, SOC).assertValues(Le.words(7 * WATT));
        } finally {
            assertEquals("soc capped at nothing by the platform\n", server.admin("powercapCap soc 0"));
        }
        a.awaitEvent(capChanged(Scmi.AGENT_PLATFORM, SOC, 8 * WATT, 1_000_000));
    }

    @Test
    void notifyErrors() throws Exception {
        assertNotifyErrors(a, POWERCAP, ZONES, SOC, POWERCAP_CAP_NOTIFY);
    }

    @Test
    void describeFastChannelSaysThereAreNone() throws Exception {
        for (int message : new int[] {POWERCAP_CAP_GET, POWERCAP_CAP_SET, POWERCAP_PAI_GET, POWERCAP_PAI_SET}) {
            a.call(POWERCAP, POWERCAP_DESCRIBE_FASTCHANNEL, LINUX_RESPONSE_BUFFER, SOC, message)
                    .assertStatus(ScmiStatus.NOT_SUPPORTED);
        }
        a.call(POWERCAP, POWERCAP_DESCRIBE_FASTCHANNEL, LINUX_RESPONSE_BUFFER, SOC, 0xD)
                .assertStatus(ScmiStatus.NOT_FOUND);
        a.call(POWERCAP, POWERCAP_DESCRIBE_FASTCHANNEL, LINUX_RESPONSE_BUFFER, ZONES, POWERCAP_CAP_SET)
                .assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** A guest without VIRTIO_SCMI_F_P2A_CHANNELS is offered neither notifications nor asynchronous caps. */
    @Test
    void aGuestWithoutAnEventQueue() throws Exception {
        b.close();
        b = server.connectBWithoutEventQueue();
        b.call(POWERCAP, POWERCAP_DOMAIN_ATTRIBUTES, ATTRIBUTES_REPLY, SOC).assertValues(Le.words(
                POWERCAP_CAP_CONFIGURABLE | POWERCAP_MONITORING | POWERCAP_PAI_CONFIGURABLE | POWERCAP_MICROWATTS)
                .name("soc", SHORT_NAME).u32(100_000).u32(1_000_000).u32(100_000).u32(WATT).u32(8 * WATT)
                .u32(100_000).u32(5 * WATT).u32(500).u32(POWERCAP_ROOT));
        assertNoNotifyCommands(b, POWERCAP, SOC, POWERCAP_CAP_NOTIFY, POWERCAP_MEASUREMENTS_NOTIFY);
        capSet(b, POWERCAP_SET_ASYNC, SOC, 5 * WATT).assertStatus(ScmiStatus.NOT_SUPPORTED);
        capSet(b, 0, SOC, 5 * WATT).assertValues(NOTHING);
    }

    private static Response capSet(ScmiGuest guest, int flags, int zone, int cap) throws Exception {
        return guest.call(POWERCAP, POWERCAP_CAP_SET, STATUS_ONLY, zone, flags, cap);
    }

    private static Le capChanged(int agentId, int zoneId, int cap, int pai) {
        return Le.words(Scmi.notificationHeader(POWERCAP, POWERCAP_CAP_CHANGED), agentId, zoneId, cap, pai);
    }

    private static Le perfLimitsChanged(int max, int min) {
        return Le.words(Scmi.notificationHeader(PERF, PERF_LIMITS_CHANGED), Scmi.AGENT_PLATFORM, CPU_DOMAIN, max, min);
    }
}
