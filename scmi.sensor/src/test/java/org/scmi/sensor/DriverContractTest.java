package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.MessageHandler;
import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;
import org.scmi.api.sensor.SensorDriver;
import org.scmi.api.sensor.SensorInfo;
import org.scmi.api.sensor.SensorListener;
import org.scmi.api.sensor.SensorReading;
import org.scmi.api.testing.Dispatch;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Le;
import org.scmi.virtio.ring.testing.SteadyStateAllocation;

/**
 * The driver contract as the protocol holds drivers to it: what a driver writes into the sink
 * reaches the agent's reply, the statuses it answers reach the agent, anything else it does is a
 * HARDWARE_ERROR, and a read of a driver that allocates nothing allocates nothing.
 */
class DriverContractTest {
    private static final int READING_GET = 0x6;
    private static final int CONFIG_SET = 0xA;
    private static final int CONTINUOUS_UPDATE_NOTIFY = 0xB;
    private static final int ENABLED_WITH_TIMESTAMPS = 0b11;
    private static final int TEMP = 0;
    private static final int VOLT = 1;
    private static final int ACCEL = 2;
    private static final int SLOW = 3;
    private static final long STAMP = 1_796_630_400_123_456L;

    private final SinkDriver board = new SinkDriver("board", Sensors.TEMP, Sensors.VOLT, Sensors.ACCEL,
            Sensors.SLOW);
    private final Harness harness = new Harness(board);
    private final FakeAgent guest = harness.agent(1, true);

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void valuesWrittenIntoTheSinkReachTheReplyInAxisOrder() throws ScmiException {
        board.answer("accel", sink -> {
            sink.value(1);
            sink.value(-2);
            sink.value(9_810_000);
            return ScmiStatus.SUCCESS;
        });
        assertArrayEquals(Le.bytes().u64(1).u64(0).u64(-2).u64(0).u64(9_810_000).u64(0).toArray(),
                harness.call(guest, READING_GET, ACCEL, 0));
    }

    @Test
    void theDriversTimestampGoesOutOnceTheAgentTurnsTimestampsOn() throws ScmiException {
        board.answer("volt", sink -> {
            sink.timestampMicros(STAMP);
            sink.value(850);
            return ScmiStatus.SUCCESS;
        });
        assertArrayEquals(Le.bytes().u64(850).u64(0).toArray(), harness.call(guest, READING_GET, VOLT, 0));
        harness.call(guest, CONFIG_SET, VOLT, ENABLED_WITH_TIMESTAMPS);
        assertArrayEquals(Le.bytes().u64(850).u64(STAMP).toArray(), harness.call(guest, READING_GET, VOLT, 0));
    }

    @Test
    void aSampleWithoutATimestampIsStampedWithTheWallClockWhenTheReadReturns() throws ScmiException {
        board.answer("volt", sink -> {
            sink.value(850);
            return ScmiStatus.SUCCESS;
        });
        harness.call(guest, CONFIG_SET, VOLT, ENABLED_WITH_TIMESTAMPS);
        long before = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        byte[] reading = harness.call(guest, READING_GET, VOLT, 0);
        long after = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        long stamped = ByteBuffer.wrap(reading).order(ByteOrder.LITTLE_ENDIAN).getLong(Long.BYTES);
        long slack = EpochMicros.MAX_DRIFT_MILLIS * 1_000;
        assertTrue(stamped >= before - slack && stamped <= after + slack,
                "stamped " + stamped + " µs, read between " + before + " and " + after);
    }

    @Test
    void busyNotSupportedAndHardwareErrorReachTheAgentAsAnsweredWithoutAnExceptionPerRead() {
        for (ScmiStatus status : List.of(ScmiStatus.BUSY, ScmiStatus.NOT_SUPPORTED, ScmiStatus.HARDWARE_ERROR)) {
            board.answer("temp", sink -> status);
            ScmiException first = assertThrows(ScmiException.class, () -> harness.call(guest, READING_GET, TEMP, 0));
            ScmiException second = assertThrows(ScmiException.class, () -> harness.call(guest, READING_GET, TEMP, 0));
            assertEquals(status, first.status());
            assertSame(first, second, "an outcome a sensor has in normal operation allocates no exception");
        }
    }

    @Test
    void anAnswerOutsideTheContractIsAHardwareErrorAndTheNextReadIsServed() throws ScmiException {
        Map<String, SinkDriver.Answer> faults = new LinkedHashMap<>();
        faults.put("a value too many", sink -> {
            sink.value(1);
            sink.value(2);
            return ScmiStatus.SUCCESS;
        });
        faults.put("no value", sink -> ScmiStatus.SUCCESS);
        faults.put("more values than any sensor has axes", sink -> {
            for (int i = 0; i < 1_000; i++) {
                sink.value(i);
            }
            return ScmiStatus.SUCCESS;
        });
        faults.put("no status", sink -> {
            sink.value(1);
            return null;
        });
        faults.put("a status no read answers", sink -> ScmiStatus.DENIED);
        faults.put("a timestamp before the epoch", sink -> {
            sink.value(1);
            sink.timestampMicros(-1);
            return ScmiStatus.SUCCESS;
        });
        faults.put("an exception", sink -> {
            throw new IllegalStateException("driver bug");
        });
        faults.put("an I/O failure", sink -> {
            throw new IOException("bus timeout");
        });
        SinkDriver.Answer good = sink -> {
            sink.value(45_250);
            return ScmiStatus.SUCCESS;
        };
        for (Map.Entry<String, SinkDriver.Answer> fault : faults.entrySet()) {
            board.answer("temp", fault.getValue());
            ScmiException e = assertThrows(ScmiException.class, () -> harness.call(guest, READING_GET, TEMP, 0),
                    fault.getKey());
            assertEquals(ScmiStatus.HARDWARE_ERROR, e.status(), fault.getKey() + ": " + e.getMessage());
            board.answer("temp", good);
            assertArrayEquals(Le.bytes().u64(45_250).u64(0).toArray(), harness.call(guest, READING_GET, TEMP, 0),
                    "after " + fault.getKey());
        }
        board.answer("accel", sink -> {
            sink.value(1);
            sink.value(2);
            return ScmiStatus.SUCCESS;
        });
        harness.fails(ScmiStatus.HARDWARE_ERROR, guest, READING_GET, ACCEL, 0);
    }

    @Test
    void anAsynchronousReadDeliversTheSampleOrTheStatusTheDriverAnswered() throws Exception {
        board.answer("slow", sink -> {
            sink.value(12_345);
            return ScmiStatus.SUCCESS;
        });
        assertEquals(0, harness.callSized(guest, READING_GET, 7, 128, SLOW, 1).length);
        FakeAgent.Event delayed = guest.next(1000);
        assertNotNull(delayed);
        assertArrayEquals(Le.bytes().u32(0).u32(SLOW).u64(12_345).u64(0).toArray(), delayed.payload());

        board.answer("slow", sink -> ScmiStatus.BUSY);
        harness.callSized(guest, READING_GET, 8, 128, SLOW, 1);
        delayed = guest.next(1000);
        assertNotNull(delayed);
        assertEquals(8, delayed.header() >>> 18, "the token of the command");
        assertArrayEquals(Le.words(ScmiStatus.BUSY.code()), delayed.payload());
    }

    @Test
    void aSteadyStateReadAllocatesNothing() throws Exception {
        long[] next = {0};
        SinkDriver.Answer counting = sink -> {
            sink.value(next[0]++);
            return ScmiStatus.SUCCESS;
        };
        board.answer("temp", counting);
        board.answer("volt", counting);
        // Timestamps on for one sensor (the protocol's clock stamps it) and a watch of another agent
        // on the other (each new value is checked against the watches): the paths a read can take.
        harness.call(guest, CONFIG_SET, VOLT, ENABLED_WITH_TIMESTAMPS);
        harness.call(harness.agent(2, true), CONTINUOUS_UPDATE_NOTIFY, TEMP, 1);
        Reply reply = new Reply(Dispatch.LINUX_CAPACITY);
        Command temp = new Command(READING_GET, TEMP, 0);
        Command volt = new Command(READING_GET, VOLT, 0);

        long allocated = SteadyStateAllocation.of(() -> {
            temp.run(reply);
            volt.run(reply);
        });
        assertTrue(allocated < SteadyStateAllocation.MEASURED, allocated + " bytes allocated for "
                + SteadyStateAllocation.MEASURED + " pairs of reads");
        assertEquals(ReadingCodec.READING_SIZE, reply.length(), "each read answered a reading");
    }

    @Test
    void theAllocationCountSeesAReadThroughTheAdapter() throws Exception {
        try (Harness adapted = new Harness(new ReadOnlyDriver())) {
            FakeAgent agent = adapted.agent(1, false);
            Reply reply = new Reply(Dispatch.LINUX_CAPACITY);
            Command temp = new Command(adapted, agent, READING_GET, TEMP, 0);
            long allocated = SteadyStateAllocation.of(() -> temp.run(reply));
            assertTrue(allocated > SteadyStateAllocation.MEASURED, "a driver's read that makes a reading per call "
                    + "shows: " + allocated + " bytes for " + SteadyStateAllocation.MEASURED + " reads");
        }
    }

    /** A driver of the first contract, {@code read} only, that makes a new reading per read as such drivers do. */
    private static final class ReadOnlyDriver implements SensorDriver {
        @Override
        public String key() {
            return "legacy";
        }

        @Override
        public List<SensorInfo> sensors() {
            return List.of(Sensors.TEMP);
        }

        @Override
        public SensorReading read(String sensorKey) {
            return new SensorReading(List.of(45_250L), Instant.EPOCH);
        }

        @Override
        public void addListener(SensorListener listener) {
        }

        @Override
        public void removeListener(SensorListener listener) {
        }
    }

    /**
     * One command, made once and run again and again as the platform runs commands: by its parts,
     * with the reader and the writer reused.
     */
    private final class Command {
        private final MessageHandler handler;
        private final FakeAgent agent;
        private final int header;
        private final Payload parameters;

        Command(int messageId, int... parameters) {
            this(harness, guest, messageId, parameters);
        }

        Command(Harness target, FakeAgent agent, int messageId, int... parameters) {
            this.handler = target.protocol.handler(messageId, agent);
            this.agent = agent;
            this.header = ScmiHeader.command(SensorMessages.PROTOCOL_ID, messageId, 0).encode();
            this.parameters = Payload.of(Le.words(parameters));
        }

        void run(Reply reply) throws ScmiException {
            parameters.rewind();
            reply.rewind();
            handler.handle(agent, header, parameters, SensorMessages.VERSION, reply);
        }
    }
}
