package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IntervalCodecTest {

    @Test
    void shortestExactForm() {
        assertEquals(new IntervalCodec.Scaled(1, -1), IntervalCodec.scale(Duration.ofMillis(100)));
        assertEquals(new IntervalCodec.Scaled(1, 0), IntervalCodec.scale(Duration.ofSeconds(1)));
        assertEquals(new IntervalCodec.Scaled(25, -3), IntervalCodec.scale(Duration.ofMillis(25)));
        assertEquals(new IntervalCodec.Scaled(6, 1), IntervalCodec.scale(Duration.ofMinutes(1)));
        assertEquals(new IntervalCodec.Scaled(1234, -9), IntervalCodec.scale(Duration.ofNanos(1234)));
    }

    @Test
    void roundsWhatDoesNotFitSixteenBits() {
        // 123456789 ns does not fit; 12346 x 10^-5 s does.
        assertEquals(new IntervalCodec.Scaled(12346, -5), IntervalCodec.scale(Duration.ofNanos(123_456_789)));
    }

    @Test
    void wordsAndDurations() {
        assertEquals(1 << 5 | 0x1D, IntervalCodec.intervalWord(Duration.ofMillis(1)));
        assertEquals(Duration.ofMillis(10), new IntervalCodec.Scaled(10_000, -6).toDuration());
        assertEquals(Duration.ofSeconds(500), new IntervalCodec.Scaled(5, 2).toDuration());
        assertEquals(-3, IntervalCodec.exponent(0x1D));
        assertEquals(15, IntervalCodec.exponent(0x0F));
    }

    @Test
    void anIntervalLongerThanADurationHoldsIsTheLongestDuration() {
        assertEquals(Duration.ofSeconds(Long.MAX_VALUE), new IntervalCodec.Scaled(0xFFFF, 15).toDuration());
        assertEquals(Duration.ofSeconds(6_553_500_000_000_000_000L), new IntervalCodec.Scaled(0xFFFF, 14).toDuration());
    }
}
