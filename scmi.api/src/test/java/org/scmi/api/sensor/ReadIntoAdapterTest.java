package org.scmi.api.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiStatus;

/** The default {@link SensorDriver#readInto}: a driver that only implements {@code read} keeps working. */
class ReadIntoAdapterTest {
    private static final Instant SAMPLED = Instant.parse("2026-12-07T08:00:00.123456789Z");
    /** {@link #SAMPLED} in whole microseconds since the epoch (the nanoseconds below a microsecond dropped). */
    private static final long SAMPLED_MICROS = 1_796_630_400_123_456L;

    /** What a sink was given, in order. */
    private static final class RecordingSink implements ReadingSink {
        final List<Long> values = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();

        @Override
        public void value(long value) {
            values.add(value);
        }

        @Override
        public void timestampMicros(long epochMicros) {
            timestamps.add(epochMicros);
        }
    }

    /** A driver written against the first contract: {@code read} only. */
    private static final class ReadOnlyDriver implements SensorDriver {
        private final SensorReading reading;
        private final IOException failure;
        String lastKey;

        ReadOnlyDriver(SensorReading reading, IOException failure) {
            this.reading = reading;
            this.failure = failure;
        }

        @Override
        public String key() {
            return "legacy";
        }

        @Override
        public List<SensorInfo> sensors() {
            return List.of(SensorInfo.scalar("t", "t", SensorUnit.DEGREES_C, -3, Duration.ofSeconds(1), 0));
        }

        @Override
        public SensorReading read(String sensorKey) throws IOException {
            lastKey = sensorKey;
            if (failure != null) {
                throw failure;
            }
            return reading;
        }

        @Override
        public void addListener(SensorListener listener) {
        }

        @Override
        public void removeListener(SensorListener listener) {
        }
    }

    @Test
    void copiesEveryAxisInOrderAndTheTimestampInMicroseconds() throws IOException {
        ReadOnlyDriver driver = new ReadOnlyDriver(new SensorReading(List.of(-7L, 0L, 9_810_000L), SAMPLED), null);
        RecordingSink sink = new RecordingSink();
        assertEquals(ScmiStatus.SUCCESS, driver.readInto("accel", sink));
        assertEquals("accel", driver.lastKey);
        assertEquals(List.of(-7L, 0L, 9_810_000L), sink.values);
        assertEquals(List.of(SAMPLED_MICROS), sink.timestamps);
    }

    @Test
    void aScalarReadingIsOneValue() throws IOException {
        RecordingSink sink = new RecordingSink();
        assertEquals(ScmiStatus.SUCCESS, new ReadOnlyDriver(new SensorReading(List.of(45_250L), Instant.EPOCH), null)
                .readInto("t", sink));
        assertEquals(List.of(45_250L), sink.values);
        assertEquals(List.of(0L), sink.timestamps);
    }

    @Test
    void noReadingIsAHardwareErrorWithNothingWritten() throws IOException {
        RecordingSink sink = new RecordingSink();
        assertEquals(ScmiStatus.HARDWARE_ERROR, new ReadOnlyDriver(null, null).readInto("t", sink));
        assertEquals(List.of(), sink.values);
        assertEquals(List.of(), sink.timestamps);
    }

    @Test
    void aFailingReadFailsTheSameWay() {
        IOException failure = new IOException("bus timeout");
        RecordingSink sink = new RecordingSink();
        assertSame(failure, assertThrows(IOException.class, () -> new ReadOnlyDriver(null, failure)
                .readInto("t", sink)));
        assertEquals(List.of(), sink.values);
    }
}
