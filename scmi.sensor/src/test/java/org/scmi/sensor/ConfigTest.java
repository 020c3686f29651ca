package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Le;

class ConfigTest {
    /** 100 ms: seconds 1, exponent -1 in bits 15:11; sensor enabled. */
    private static final int HUNDRED_MS_ENABLED = 1 << 16 | 0x1F << 11 | 1;
    /** 1 s, enabled. */
    private static final int ONE_SECOND_ENABLED = 1 << 16 | 1;

    private final Harness harness = new Harness(Sensors.board());
    private final FakeAgent guest = harness.agent(1, true);
    private final FakeAgent other = harness.agent(2, true);

    @AfterEach
    void close() {
        harness.close();
    }

    private static int config(int seconds, int exponent, int rounding, int flags) {
        return seconds << 16 | (exponent & 0x1F) << 11 | rounding << 9 | flags;
    }

    @Test
    void defaultsAreEnabledAtTheLongestInterval() throws ScmiException {
        assertArrayEquals(Le.words(ONE_SECOND_ENABLED), harness.call(guest, 0x9, 0));
        assertArrayEquals(Le.words(HUNDRED_MS_ENABLED), harness.call(guest, 0x9, 2));
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0x9, 4);
    }

    @Test
    void intervalsRoundAsAsked() throws ScmiException {
        // 400 ms, nearest (Linux IIO's rounding value 2): 100 ms.
        harness.call(guest, 0xA, 0, config(400, -3, 2, 1));
        assertArrayEquals(Le.words(HUNDRED_MS_ENABLED), harness.call(guest, 0x9, 0));
        // 600 ms nearest: 1 s.
        harness.call(guest, 0xA, 0, config(600, -3, 3, 1));
        assertArrayEquals(Le.words(ONE_SECOND_ENABLED), harness.call(guest, 0x9, 0));
        // 400 ms rounded down: 100 ms; rounded up: 1 s.
        harness.call(guest, 0xA, 0, config(400, -3, 0, 1));
        assertArrayEquals(Le.words(HUNDRED_MS_ENABLED), harness.call(guest, 0x9, 0));
        harness.call(guest, 0xA, 0, config(4, -1, 1, 1));
        assertArrayEquals(Le.words(ONE_SECOND_ENABLED), harness.call(guest, 0x9, 0));
        // Seconds 0 leaves the interval; bit 0 clear disables.
        harness.call(guest, 0xA, 0, 0);
        assertArrayEquals(Le.words(1 << 16), harness.call(guest, 0x9, 0));
        assertArrayEquals(Le.words(ONE_SECOND_ENABLED), harness.call(other, 0x9, 0), "per guest");
    }

    @Test
    void theLongestIntervalTheWireCarriesRoundsLikeAnyOther() throws ScmiException {
        // 65535 x 10^15 s, past what a Duration counts: nearest and down give the longest (1 s), up none.
        harness.call(guest, 0xA, 0, config(0xFFFF, 15, 2, 1));
        assertArrayEquals(Le.words(ONE_SECOND_ENABLED), harness.call(guest, 0x9, 0));
        harness.call(guest, 0xA, 0, config(0xFFFF, 15, 0, 1));
        assertArrayEquals(Le.words(ONE_SECOND_ENABLED), harness.call(guest, 0x9, 0));
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0xA, 0, config(0xFFFF, 15, 1, 1));
    }

    @Test
    void configSetErrors() {
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0xA, 4, 1);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0xA, 0, 1 << 2);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0xA, 0, 1 << 8);
        harness.fails(ScmiStatus.NOT_SUPPORTED, guest, 0xA, 0, 0b11);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0xA, 0, config(5, 0, 1, 1));
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0xA, 0, config(5, -2, 0, 1));
    }

    @Test
    void resetForgetsTheAgentsSettings() throws ScmiException {
        harness.call(guest, 0xA, 0, config(1, 0, 0, 0));
        harness.protocol.resetAgent(1);
        assertArrayEquals(Le.words(ONE_SECOND_ENABLED), harness.call(guest, 0x9, 0));
    }
}
