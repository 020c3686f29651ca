package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.scmi.launcher.e2e.BoardServer.AGENT_A;
import static org.scmi.launcher.e2e.BoardServer.AGENT_B;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.CLOCK_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CHANGE_REQUESTED_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CONFIG_DISABLE;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CONFIG_ENABLE;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CONFIG_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CONFIG_OEM_TYPE_SHIFT;
import static org.scmi.launcher.e2e.Scmi.CLOCK_CONFIG_SET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_DESCRIBE_RATES;
import static org.scmi.launcher.e2e.Scmi.CLOCK_ENABLED;
import static org.scmi.launcher.e2e.Scmi.CLOCK_EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.CLOCK_GET_PERMISSIONS;
import static org.scmi.launcher.e2e.Scmi.CLOCK_MAX_ASYNC_SHIFT;
import static org.scmi.launcher.e2e.Scmi.CLOCK_NAME_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_PARENTS;
import static org.scmi.launcher.e2e.Scmi.CLOCK_PARENTS_REMAINING_SHIFT;
import static org.scmi.launcher.e2e.Scmi.CLOCK_PARENT_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_PARENT_SET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_PERMIT_PARENT;
import static org.scmi.launcher.e2e.Scmi.CLOCK_PERMIT_RATE;
import static org.scmi.launcher.e2e.Scmi.CLOCK_PERMIT_STATE;
import static org.scmi.launcher.e2e.Scmi.CLOCK_POSSIBLE_PARENTS_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATES_RANGE;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATES_REMAINING_SHIFT;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_CHANGED;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_CHANGED_NOTIFICATIONS;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_CHANGE_REQUESTED;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_CHANGE_REQUESTED_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_GET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_NOTIFY;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_SET;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RESTRICTED;
import static org.scmi.launcher.e2e.Scmi.CLOCK_SET_ASYNC;
import static org.scmi.launcher.e2e.Scmi.CLOCK_SET_NO_DELAYED_RESPONSE;
import static org.scmi.launcher.e2e.Scmi.CLOCK_SET_ROUND_NEAREST;
import static org.scmi.launcher.e2e.Scmi.CLOCK_SET_ROUND_UP;
import static org.scmi.launcher.e2e.Scmi.EXTENDED_NAME;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.NEGOTIATE_PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_OFF;
import static org.scmi.launcher.e2e.Scmi.NOTIFY_ON;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_MESSAGE_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_VERSION;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/**
 * The whole Clock management protocol (0x14, v3.0) through the running server, with two guests:
 * every message with its errors, byte for byte, paged lists in small buffers; CLOCK_RATE_CHANGED
 * and CLOCK_RATE_CHANGE_REQUESTED on the eventq of exactly the subscribed guests, for changes by
 * a guest and by the platform; the delayed response of an asynchronous CLOCK_RATE_SET.
 */
class ClockProtocolIT extends TwoGuests {
    private static final int VERSION = 0x3_0000;
    /** Asynchronous rate changes an agent may have pending: the clock protocol's default. */
    private static final int MAX_PENDING_ASYNC = 8;

    private static final String BOARD = """
            {
              "clocks": [
                { "name": "osc", "rates": [24000000], "enabled": true, "controls": [] },
                { "name": "pll", "range": { "min": 100000000, "max": 1000000000, "step": 100000000 },
                  "rate": 500000000, "enabled": true },
                { "name": "cpu_clk", "rates": [100000000, 200000000, 300000000, 400000000, 500000000,
                    600000000, 700000000, 800000000, 900000000, 1000000000, 1100000000, 1200000000,
                    1300000000, 1400000000, 1500000000, 1600000000, 1700000000, 1800000000, 1900000000,
                    2000000000],
                  "rate": 800000000, "enabled": false, "parents": ["osc", "pll"], "parent": "pll",
                  "enableLatencyUs": 25, "delayMs": 5 },
                { "name": "peripheral_bus_clock", "rates": [50000000, 100000000], "rate": 50000000,
                  "enabled": true, "parents": ["osc", "pll", "cpu_clk"], "parent": "osc", "controls": ["state"] },
                { "name": "slow_clk", "rates": [1000000, 2000000], "enabled": true, "delayMs": 100 }
              ]
            }
            """;
    private static final int OSC = 0;
    private static final String OSC_NAME = "osc";
    private static final long OSC_RATE = 24_000_000L;
    private static final int PLL = 1;
    private static final String PLL_NAME = "pll";
    private static final long PLL_MIN = 100_000_000L;
    private static final long PLL_MAX = 1_000_000_000L;
    private static final long PLL_STEP = 100_000_000L;
    private static final long PLL_RATE = 500_000_000L;
    private static final int CPU = 2;
    private static final String CPU_NAME = "cpu_clk";
    /** 100 MHz to 2 GHz in steps of 100 MHz: 20 rates. */
    private static final List<Long> CPU_RATES = LongStream.rangeClosed(1, 20).map(i -> i * 100_000_000L).boxed()
            .toList();
    private static final long CPU_RATE = 800_000_000L;
    private static final int CPU_LATENCY_US = 25;
    private static final int BUS = 3;
    private static final String BUS_NAME = "peripheral_bus_clock";
    private static final long BUS_RATE = 50_000_000L;
    private static final int SLOW = 4;
    private static final long SLOW_RATE = 1_000_000L;
    private static final long SLOW_FAST_RATE = 2_000_000L;
    private static final int CLOCKS = 5;

    private static final int[] NOT_IMPLEMENTED = {NEGOTIATE_PROTOCOL_VERSION, 0x11, 0x80};

    private static final int ONE_WORD_REPLY = RESPONSE_PREFIX + 4;
    private static final int RATE_REPLY = RESPONSE_PREFIX + 8;
    private static final int ATTRIBUTES_REPLY = RESPONSE_PREFIX + 4 + SHORT_NAME + 4;
    private static final int CONFIG_REPLY = RESPONSE_PREFIX + 12;
    private static final int NAME_REPLY = RESPONSE_PREFIX + 4 + EXTENDED_NAME;
    private static final int STATUS_ONLY = RESPONSE_PREFIX;
    /** Room for the list header and one 64-bit rate, or one 32-bit parent id. */
    private static final int ONE_RATE_BUFFER = RESPONSE_PREFIX + 4 + 8;
    private static final int ONE_PARENT_BUFFER = RESPONSE_PREFIX + 4 + 4;
    /** Rates in the 128 bytes Linux posts: (128 - 4) / 8. */
    private static final int RATES_PER_LINUX_REPLY = 15;
    private static final byte[] NOTHING = new byte[0];

    @Override
    String board() {
        return BOARD;
    }

    @Test
    void versionAttributesAndMessageAttributes() throws Exception {
        a.call(CLOCK, PROTOCOL_VERSION, ONE_WORD_REPLY).assertValues(Le.words(VERSION));
        a.call(CLOCK, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY)
                .assertValues(Le.words(CLOCKS | MAX_PENDING_ASYNC << CLOCK_MAX_ASYNC_SHIFT));
        for (int message = PROTOCOL_VERSION; message <= CLOCK_GET_PERMISSIONS; message++) {
            a.call(CLOCK, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertValues(Le.words(0));
        }
        for (int message : NOT_IMPLEMENTED) {
            a.call(CLOCK, PROTOCOL_MESSAGE_ATTRIBUTES, ONE_WORD_REPLY, message).assertStatus(ScmiStatus.NOT_FOUND);
        }
        a.call(CLOCK, NEGOTIATE_PROTOCOL_VERSION, STATUS_ONLY, VERSION).assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void clockAttributesNamesAndPermissions() throws Exception {
        int notifications = CLOCK_RATE_CHANGED_NOTIFICATIONS | CLOCK_CHANGE_REQUESTED_NOTIFICATIONS;
        a.call(CLOCK, CLOCK_ATTRIBUTES, ATTRIBUTES_REPLY, OSC).assertValues(
                Le.words(notifications | CLOCK_RESTRICTED | CLOCK_ENABLED).name(OSC_NAME, SHORT_NAME).u32(0));
        a.call(CLOCK, CLOCK_ATTRIBUTES, ATTRIBUTES_REPLY, PLL).assertValues(
                Le.words(notifications | CLOCK_ENABLED).name(PLL_NAME, SHORT_NAME).u32(0));
        a.call(CLOCK, CLOCK_ATTRIBUTES, ATTRIBUTES_REPLY, CPU).assertValues(
                Le.words(notifications | CLOCK_PARENTS).name(CPU_NAME, SHORT_NAME).u32(CPU_LATENCY_US));
        a.call(CLOCK, CLOCK_ATTRIBUTES, ATTRIBUTES_REPLY, BUS).assertValues(
                Le.words(notifications | CLOCK_EXTENDED_NAME | CLOCK_PARENTS | CLOCK_RESTRICTED | CLOCK_ENABLED)
                        .name(Scmi.shortName(BUS_NAME), SHORT_NAME).u32(0));
        a.call(CLOCK, CLOCK_ATTRIBUTES, ATTRIBUTES_REPLY, CLOCKS).assertStatus(ScmiStatus.NOT_FOUND);

        a.call(CLOCK, CLOCK_NAME_GET, NAME_REPLY, BUS).assertValues(Le.words(0).name(BUS_NAME, EXTENDED_NAME));
        a.call(CLOCK, CLOCK_NAME_GET, NAME_REPLY, OSC).assertValues(Le.words(0).name(OSC_NAME, EXTENDED_NAME));
        a.call(CLOCK, CLOCK_NAME_GET, NAME_REPLY, CLOCKS).assertStatus(ScmiStatus.NOT_FOUND);

        int all = CLOCK_PERMIT_STATE | CLOCK_PERMIT_PARENT | CLOCK_PERMIT_RATE;
        a.call(CLOCK, CLOCK_GET_PERMISSIONS, ONE_WORD_REPLY, OSC).assertValues(Le.words(0));
        a.call(CLOCK, CLOCK_GET_PERMISSIONS, ONE_WORD_REPLY, PLL).assertValues(Le.words(all));
        a.call(CLOCK, CLOCK_GET_PERMISSIONS, ONE_WORD_REPLY, CPU).assertValues(Le.words(all));
        a.call(CLOCK, CLOCK_GET_PERMISSIONS, ONE_WORD_REPLY, BUS).assertValues(Le.words(CLOCK_PERMIT_STATE));
        a.call(CLOCK, CLOCK_GET_PERMISSIONS, ONE_WORD_REPLY, CLOCKS).assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** Discrete rates paged as the buffer allows, the agent re-asking from index + returned. */
    @Test
    void describeRatesInPages() throws Exception {
        int rest = CPU_RATES.size() - RATES_PER_LINUX_REPLY;
        a.call(CLOCK, CLOCK_DESCRIBE_RATES, LINUX_RESPONSE_BUFFER, CPU, 0)
                .assertValues(rates(RATES_PER_LINUX_REPLY, rest, CPU_RATES.subList(0, RATES_PER_LINUX_REPLY)));
        a.call(CLOCK, CLOCK_DESCRIBE_RATES, LINUX_RESPONSE_BUFFER, CPU, RATES_PER_LINUX_REPLY)
                .assertValues(rates(rest, 0, CPU_RATES.subList(RATES_PER_LINUX_REPLY, CPU_RATES.size())));
        for (int index = 0; index < CPU_RATES.size(); index++) {
            a.call(CLOCK, CLOCK_DESCRIBE_RATES, ONE_RATE_BUFFER, CPU, index)
                    .assertValues(rates(1, CPU_RATES.size() - index - 1, List.of(CPU_RATES.get(index))));
        }
        a.call(CLOCK, CLOCK_DESCRIBE_RATES, ONE_RATE_BUFFER, CPU, CPU_RATES.size())
                .assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(CLOCK, CLOCK_DESCRIBE_RATES, ONE_RATE_BUFFER, CPU, 0xFFFF_FFFF).assertStatus(ScmiStatus.OUT_OF_RANGE);
        // Room for the header but not for one rate.
        a.call(CLOCK, CLOCK_DESCRIBE_RATES, RESPONSE_PREFIX + 4, CPU, 0).assertStatus(ScmiStatus.COMMS_ERROR);

        a.call(CLOCK, CLOCK_DESCRIBE_RATES, LINUX_RESPONSE_BUFFER, OSC, 0)
                .assertValues(rates(1, 0, List.of(OSC_RATE)));
        // A range is one triplet {min, max, step}, at index 0 only.
        a.call(CLOCK, CLOCK_DESCRIBE_RATES, LINUX_RESPONSE_BUFFER, PLL, 0)
                .assertValues(Le.words(3 | CLOCK_RATES_RANGE).u64(PLL_MIN).u64(PLL_MAX).u64(PLL_STEP));
        a.call(CLOCK, CLOCK_DESCRIBE_RATES, LINUX_RESPONSE_BUFFER, PLL, 1).assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(CLOCK, CLOCK_DESCRIBE_RATES, LINUX_RESPONSE_BUFFER, CLOCKS, 0).assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void ratesAsTheBoardFileSetsThem() throws Exception {
        a.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, OSC).assertValues(Le.words().u64(OSC_RATE));
        a.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, PLL).assertValues(Le.words().u64(PLL_RATE));
        a.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, CPU).assertValues(Le.words().u64(CPU_RATE));
        a.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, BUS).assertValues(Le.words().u64(BUS_RATE));
        a.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, CLOCKS).assertStatus(ScmiStatus.NOT_FOUND);
    }

    /** Rounding flags: bit 3 nearest (ties down), else bit 2 up, else down; on a list and on a range. */
    @Test
    void rateSetRounding() throws Exception {
        assertRateSet(CPU, 0, 1_250_000_000L, 1_200_000_000L);
        assertRateSet(CPU, CLOCK_SET_ROUND_UP, 1_250_000_000L, 1_300_000_000L);
        assertRateSet(CPU, CLOCK_SET_ROUND_NEAREST, 1_250_000_000L, 1_200_000_000L);
        assertRateSet(CPU, CLOCK_SET_ROUND_NEAREST | CLOCK_SET_ROUND_UP, 1_260_000_000L, 1_300_000_000L);
        assertRateSet(CPU, 0, 2_000_000_000L, 2_000_000_000L);
        assertRateSet(PLL, 0, 550_000_000L, 500_000_000L);
        assertRateSet(PLL, CLOCK_SET_ROUND_UP, 550_000_000L, 600_000_000L);
        assertRateSet(PLL, CLOCK_SET_ROUND_NEAREST, 640_000_000L, 600_000_000L);
    }

    private void assertRateSet(int clock, int flags, long requested, long expected) throws Exception {
        setRate(a, flags, clock, requested).assertValues(NOTHING);
        a.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, clock).assertValues(Le.words().u64(expected));
    }

    @Test
    void rateSetErrors() throws Exception {
        setRate(a, 0, CLOCKS, CPU_RATE).assertStatus(ScmiStatus.NOT_FOUND);
        setRate(a, 1 << 4, CPU, CPU_RATE).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        setRate(a, 0x8000_0000, CPU, CPU_RATE).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        setRate(a, CLOCK_SET_ROUND_UP, CPU, CPU_RATES.getFirst() - 1).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        setRate(a, 0, CPU, CPU_RATES.getLast() + 1).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        setRate(a, 0, PLL, PLL_MAX + PLL_STEP).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        // Rate control is not the agents' on these clocks.
        setRate(a, 0, OSC, OSC_RATE).assertStatus(ScmiStatus.DENIED);
        setRate(a, CLOCK_SET_ASYNC, OSC, OSC_RATE).assertStatus(ScmiStatus.DENIED);
        setRate(a, 0, BUS, BUS_RATE).assertStatus(ScmiStatus.DENIED);
        a.call(CLOCK, CLOCK_RATE_SET, STATUS_ONLY, 0, CPU, (int) CPU_RATE).assertStatus(ScmiStatus.PROTOCOL_ERROR);
        a.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, CPU).assertValues(Le.words().u64(CPU_RATE));
    }

    /**
     * Guest b changes a rate: subscribed guest a hears of the request and of the change, both
     * naming b; b, not subscribed, hears nothing. A set to the rate the clock already has is a
     * request but no change.
     */
    @Test
    void rateChangesAreNotifiedToTheSubscriberOnly() throws Exception {
        long newRate = 1_200_000_000L;
        a.call(CLOCK, CLOCK_RATE_NOTIFY, STATUS_ONLY, CPU, NOTIFY_ON).assertValues(NOTHING);
        a.call(CLOCK, CLOCK_RATE_CHANGE_REQUESTED_NOTIFY, STATUS_ONLY, CPU, NOTIFY_ON).assertValues(NOTHING);

        setRate(b, 0, CPU, newRate).assertValues(NOTHING);
        a.awaitEvent(notification(CLOCK_RATE_CHANGE_REQUESTED, AGENT_B, CPU, newRate));
        a.awaitEvent(notification(CLOCK_RATE_CHANGED, AGENT_B, CPU, newRate));
        b.assertNoEvent();

        setRate(b, 0, CPU, newRate).assertValues(NOTHING);
        a.awaitEvent(notification(CLOCK_RATE_CHANGE_REQUESTED, AGENT_B, CPU, newRate));
        a.assertNoEvent();

        a.call(CLOCK, CLOCK_RATE_CHANGE_REQUESTED_NOTIFY, STATUS_ONLY, CPU, NOTIFY_OFF).assertValues(NOTHING);
        setRate(b, 0, CPU, CPU_RATE).assertValues(NOTHING);
        a.awaitEvent(notification(CLOCK_RATE_CHANGED, AGENT_B, CPU, CPU_RATE));
        a.call(CLOCK, CLOCK_RATE_NOTIFY, STATUS_ONLY, CPU, NOTIFY_OFF).assertValues(NOTHING);
        setRate(b, 0, CPU, newRate).assertValues(NOTHING);
        a.assertNoEvent();
        b.assertNoEvent();
    }

    /**
     * An asynchronous CLOCK_RATE_SET is answered at once with SUCCESS alone, then completed by a
     * delayed response on the requester's eventq: the command's header as type 2 with its token,
     * then status, clock_id and the rate. A subscribed other guest hears of the change.
     */
    @Test
    void asynchronousRateSetCompletesWithADelayedResponse() throws Exception {
        long newRate = 1_000_000_000L;
        b.call(CLOCK, CLOCK_RATE_NOTIFY, STATUS_ONLY, CPU, NOTIFY_ON).assertValues(NOTHING);
        Response accepted = setRate(a, CLOCK_SET_ASYNC, CPU, newRate);
        accepted.assertValues(NOTHING);
        a.awaitEvent(delayedRateSet(accepted, CPU, newRate));
        b.awaitEvent(notification(CLOCK_RATE_CHANGED, AGENT_A, CPU, newRate));
        a.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, CPU).assertValues(Le.words().u64(newRate));

        // Rounded asynchronously too: the delayed response carries the rate the clock runs at.
        accepted = setRate(a, CLOCK_SET_ASYNC | CLOCK_SET_ROUND_UP, CPU, 1_150_000_000L);
        accepted.assertValues(NOTHING);
        a.awaitEvent(delayedRateSet(accepted, CPU, 1_200_000_000L));
        b.awaitEvent(notification(CLOCK_RATE_CHANGED, AGENT_A, CPU, 1_200_000_000L));

        // Without a delayed response: only the notification. The next delayed response is the next event.
        setRate(a, CLOCK_SET_ASYNC | CLOCK_SET_NO_DELAYED_RESPONSE, CPU, CPU_RATE).assertValues(NOTHING);
        b.awaitEvent(notification(CLOCK_RATE_CHANGED, AGENT_A, CPU, CPU_RATE));
        accepted = setRate(a, CLOCK_SET_ASYNC, CPU, newRate);
        accepted.assertValues(NOTHING);
        a.awaitEvent(delayedRateSet(accepted, CPU, newRate));
        b.awaitEvent(notification(CLOCK_RATE_CHANGED, AGENT_A, CPU, newRate));
    }

    /**
     * More asynchronous changes than PROTOCOL_ATTRIBUTES allows pending are BUSY. The slow clock
     * takes 100 ms per change, so the first is still pending while the others are sent.
     */
    @Test
    void tooManyPendingAsynchronousRateSetsAreBusy() throws Exception {
        List<Response> accepted = new ArrayList<>();
        for (int i = 0; i < MAX_PENDING_ASYNC; i++) {
            Response response = setRate(a, CLOCK_SET_ASYNC, SLOW, i % 2 == 0 ? SLOW_FAST_RATE : SLOW_RATE);
            response.assertValues(NOTHING);
            accepted.add(response);
        }
        setRate(a, CLOCK_SET_ASYNC, SLOW, SLOW_FAST_RATE).assertStatus(ScmiStatus.BUSY);
        // The changes queue for the clock in no set order: each delayed response comes once, with its token.
        Set<String> expected = new HashSet<>();
        Set<String> delivered = new HashSet<>();
        for (int i = 0; i < MAX_PENDING_ASYNC; i++) {
            expected.add(Le.hex(delayedRateSet(accepted.get(i), SLOW, i % 2 == 0 ? SLOW_FAST_RATE : SLOW_RATE)
                    .bytes()));
            delivered.add(Le.hex(a.awaitEvent()));
        }
        assertEquals(expected, delivered, "delayed responses");
    }

    /** The platform changing a rate itself: subscribers hear it from agent 0. */
    @Test
    void platformRateChangesAreNotifiedFromAgentZero() throws Exception {
        long platformRate = 700_000_000L;
        a.call(CLOCK, CLOCK_RATE_NOTIFY, STATUS_ONLY, PLL, NOTIFY_ON).assertValues(NOTHING);
        try {
            assertEquals(PLL_NAME + " now runs at " + platformRate + " Hz\n",
                    server.admin("clockRate " + PLL_NAME + " " + platformRate));
            a.awaitEvent(notification(CLOCK_RATE_CHANGED, Scmi.AGENT_PLATFORM, PLL, platformRate));
            b.assertNoEvent();
            b.call(CLOCK, CLOCK_RATE_GET, RATE_REPLY, PLL).assertValues(Le.words().u64(platformRate));
        } finally {
            assertEquals(PLL_NAME + " now runs at " + PLL_RATE + " Hz\n",
                    server.admin("clockRate " + PLL_NAME + " " + PLL_RATE));
        }
        a.awaitEvent(notification(CLOCK_RATE_CHANGED, Scmi.AGENT_PLATFORM, PLL, PLL_RATE));
    }

    @Test
    void notifyErrors() throws Exception {
        assertNotifyErrors(a, CLOCK, CLOCKS, CPU, CLOCK_RATE_NOTIFY, CLOCK_RATE_CHANGE_REQUESTED_NOTIFY);
    }

    /**
     * Enabling is a vote per agent: the clock runs while any agent wants it, and each agent reads
     * back its own vote.
     */
    @Test
    void configSetAndGet() throws Exception {
        a.call(CLOCK, CLOCK_CONFIG_GET, CONFIG_REPLY, CPU, 0).assertValues(Le.words(0, 0, 0));
        configSet(a, CPU, CLOCK_CONFIG_ENABLE).assertValues(NOTHING);
        a.call(CLOCK, CLOCK_CONFIG_GET, CONFIG_REPLY, CPU, 0).assertValues(Le.words(0, CLOCK_ENABLED, 0));
        b.call(CLOCK, CLOCK_CONFIG_GET, CONFIG_REPLY, CPU, 0).assertValues(Le.words(0, CLOCK_ENABLED, 0));
        configSet(b, CPU, CLOCK_CONFIG_DISABLE).assertValues(NOTHING);
        b.call(CLOCK, CLOCK_CONFIG_GET, CONFIG_REPLY, CPU, 0).assertValues(Le.words(0, 0, 0));
        a.call(CLOCK, CLOCK_CONFIG_GET, CONFIG_REPLY, CPU, 0).assertValues(Le.words(0, CLOCK_ENABLED, 0));
        a.call(CLOCK, CLOCK_ATTRIBUTES, ATTRIBUTES_REPLY, CPU).assertValues(
                Le.words(CLOCK_RATE_CHANGED_NOTIFICATIONS | CLOCK_CHANGE_REQUESTED_NOTIFICATIONS | CLOCK_PARENTS
                        | CLOCK_ENABLED).name(CPU_NAME, SHORT_NAME).u32(CPU_LATENCY_US));
        configSet(b, BUS, CLOCK_CONFIG_DISABLE).assertValues(NOTHING);
        b.call(CLOCK, CLOCK_CONFIG_GET, CONFIG_REPLY, BUS, 0).assertValues(Le.words(0, 0, 0));

        configSet(a, CLOCKS, CLOCK_CONFIG_ENABLE).assertStatus(ScmiStatus.NOT_FOUND);
        // State 2 is reserved; 3 ("unchanged") needs an OEM config type; no clock has OEM types; bits 15:2 reserved.
        configSet(a, CPU, 2).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        configSet(a, CPU, 3).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        configSet(a, CPU, CLOCK_CONFIG_ENABLE | 1 << CLOCK_CONFIG_OEM_TYPE_SHIFT)
                .assertStatus(ScmiStatus.INVALID_PARAMETERS);
        configSet(a, CPU, CLOCK_CONFIG_ENABLE | 1 << 2).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        configSet(a, OSC, CLOCK_CONFIG_DISABLE).assertStatus(ScmiStatus.DENIED);
        a.call(CLOCK, CLOCK_CONFIG_SET, STATUS_ONLY, CPU, CLOCK_CONFIG_ENABLE).assertStatus(ScmiStatus.PROTOCOL_ERROR);

        a.call(CLOCK, CLOCK_CONFIG_GET, CONFIG_REPLY, CLOCKS, 0).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(CLOCK, CLOCK_CONFIG_GET, CONFIG_REPLY, CPU, 1).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(CLOCK, CLOCK_CONFIG_GET, CONFIG_REPLY, CPU, 0x100).assertStatus(ScmiStatus.INVALID_PARAMETERS);
    }

    @Test
    void possibleParentsInPages() throws Exception {
        a.call(CLOCK, CLOCK_POSSIBLE_PARENTS_GET, LINUX_RESPONSE_BUFFER, CPU, 0)
                .assertValues(Le.words(2, OSC, PLL));
        a.call(CLOCK, CLOCK_POSSIBLE_PARENTS_GET, LINUX_RESPONSE_BUFFER, BUS, 0)
                .assertValues(Le.words(3, OSC, PLL, CPU));
        int[] busParents = {OSC, PLL, CPU};
        for (int skip = 0; skip < busParents.length; skip++) {
            int remaining = busParents.length - skip - 1;
            a.call(CLOCK, CLOCK_POSSIBLE_PARENTS_GET, ONE_PARENT_BUFFER, BUS, skip)
                    .assertValues(Le.words(1 | remaining << CLOCK_PARENTS_REMAINING_SHIFT, busParents[skip]));
        }
        a.call(CLOCK, CLOCK_POSSIBLE_PARENTS_GET, ONE_PARENT_BUFFER, BUS, busParents.length)
                .assertStatus(ScmiStatus.OUT_OF_RANGE);
        a.call(CLOCK, CLOCK_POSSIBLE_PARENTS_GET, LINUX_RESPONSE_BUFFER, OSC, 0)
                .assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(CLOCK, CLOCK_POSSIBLE_PARENTS_GET, LINUX_RESPONSE_BUFFER, CLOCKS, 0)
                .assertStatus(ScmiStatus.NOT_FOUND);
    }

    @Test
    void parentGetAndSet() throws Exception {
        a.call(CLOCK, CLOCK_PARENT_GET, ONE_WORD_REPLY, CPU).assertValues(Le.words(PLL));
        a.call(CLOCK, CLOCK_PARENT_GET, ONE_WORD_REPLY, BUS).assertValues(Le.words(OSC));
        a.call(CLOCK, CLOCK_PARENT_GET, ONE_WORD_REPLY, OSC).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(CLOCK, CLOCK_PARENT_GET, ONE_WORD_REPLY, CLOCKS).assertStatus(ScmiStatus.NOT_FOUND);

        a.call(CLOCK, CLOCK_PARENT_SET, STATUS_ONLY, CPU, OSC).assertValues(NOTHING);
        a.call(CLOCK, CLOCK_PARENT_GET, ONE_WORD_REPLY, CPU).assertValues(Le.words(OSC));
        b.call(CLOCK, CLOCK_PARENT_GET, ONE_WORD_REPLY, CPU).assertValues(Le.words(OSC));

        a.call(CLOCK, CLOCK_PARENT_SET, STATUS_ONLY, CPU, BUS).assertStatus(ScmiStatus.INVALID_PARAMETERS);
        a.call(CLOCK, CLOCK_PARENT_SET, STATUS_ONLY, CPU, CLOCKS).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(CLOCK, CLOCK_PARENT_SET, STATUS_ONLY, CLOCKS, OSC).assertStatus(ScmiStatus.NOT_FOUND);
        a.call(CLOCK, CLOCK_PARENT_SET, STATUS_ONLY, OSC, PLL).assertStatus(ScmiStatus.NOT_SUPPORTED);
        a.call(CLOCK, CLOCK_PARENT_SET, STATUS_ONLY, BUS, PLL).assertStatus(ScmiStatus.DENIED);
        a.call(CLOCK, CLOCK_PARENT_GET, ONE_WORD_REPLY, BUS).assertValues(Le.words(OSC));
    }

    /**
     * A guest without VIRTIO_SCMI_F_P2A_CHANNELS is offered neither notifications nor asynchronous
     * rate changes.
     */
    @Test
    void aGuestWithoutAnEventQueue() throws Exception {
        b.close();
        b = server.connectBWithoutEventQueue();
        b.call(CLOCK, PROTOCOL_ATTRIBUTES, ONE_WORD_REPLY).assertValues(Le.words(CLOCKS));
        b.call(CLOCK, CLOCK_ATTRIBUTES, ATTRIBUTES_REPLY, PLL)
                .assertValues(Le.words(CLOCK_ENABLED).name(PLL_NAME, SHORT_NAME).u32(0));
        assertNoNotifyCommands(b, CLOCK, CPU, CLOCK_RATE_NOTIFY, CLOCK_RATE_CHANGE_REQUESTED_NOTIFY);
        setRate(b, CLOCK_SET_ASYNC, CPU, CPU_RATE).assertStatus(ScmiStatus.NOT_SUPPORTED);
    }

    private static Response setRate(ScmiGuest guest, int flags, int clock, long rate) throws Exception {
        return guest.call(CLOCK, CLOCK_RATE_SET, STATUS_ONLY, flags, clock, (int) rate, (int) (rate >>> Integer.SIZE));
    }

    private static Response configSet(ScmiGuest guest, int clock, int attributes) throws Exception {
        // The third word, oem_config_value, matters only with an OEM config type.
        return guest.call(CLOCK, CLOCK_CONFIG_SET, STATUS_ONLY, clock, attributes, 0);
    }

    /** A DESCRIBE_RATES reply of discrete rates. */
    private static Le rates(int returned, int remaining, List<Long> rates) {
        Le reply = Le.words(returned | remaining << CLOCK_RATES_REMAINING_SHIFT);
        rates.forEach(reply::u64);
        return reply;
    }

    private static Le notification(int notificationId, int agentId, int clockId, long rate) {
        return Le.words(Scmi.notificationHeader(CLOCK, notificationId), agentId, clockId).u64(rate);
    }

    private static Le delayedRateSet(Response accepted, int clockId, long rate) {
        return Le.words(Scmi.delayedResponseHeader(accepted.commandHeader()), ScmiStatus.SUCCESS.code(), clockId)
                .u64(rate);
    }
}
