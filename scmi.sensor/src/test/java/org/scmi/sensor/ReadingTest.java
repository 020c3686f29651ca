package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.FakeAgent;
import org.scmi.api.testing.Le;

class ReadingTest {
    private static final long SAMPLE_MICROS = ChronoUnit.MICROS.between(java.time.Instant.EPOCH,
            FakeDriver.SAMPLE_TIME);
    private final FakeDriver board = Sensors.board();
    private final Harness harness = new Harness(board);
    private final FakeAgent guest = harness.agent(1, true);
    private final FakeAgent plain = harness.agent(2, false);

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void syncReadOfAScalarWithoutTimestamps() throws ScmiException {
        board.set("temp", 45_250);
        assertArrayEquals(Le.bytes().u64(45_250).u64(0).toArray(), harness.call(plain, 0x6, 0, 0));
        board.set("temp", -1);
        assertArrayEquals(Le.bytes().u64(-1).u64(0).toArray(), harness.call(plain, 0x6, 0, 0));
    }

    @Test
    void threeAxesWithTimestampsOnceTheAgentTurnsThemOn() throws ScmiException {
        board.set("accel", 1, -2, 9_810_000);
        assertArrayEquals(Le.bytes().u64(1).u64(0).u64(-2).u64(0).u64(9_810_000).u64(0).toArray(),
                harness.call(guest, 0x6, 2, 0));
        harness.call(guest, 0xA, 2, 0b11);
        assertArrayEquals(Le.bytes().u64(1).u64(SAMPLE_MICROS).u64(-2).u64(SAMPLE_MICROS).u64(9_810_000)
                .u64(SAMPLE_MICROS).toArray(), harness.call(guest, 0x6, 2, 0));
        assertArrayEquals(Le.bytes().u64(1).u64(0).u64(-2).u64(0).u64(9_810_000).u64(0).toArray(),
                harness.call(plain, 0x6, 2, 0), "the other guest's settings are its own");
    }

    @Test
    void readErrors() {
        harness.fails(ScmiStatus.NOT_FOUND, guest, 0x6, 4, 0);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x6, 0, 2);
        harness.fails(ScmiStatus.INVALID_PARAMETERS, guest, 0x6, 0, 0x80000000);
        harness.fails(ScmiStatus.NOT_SUPPORTED, guest, 0x6, 0, 1);
        harness.fails(ScmiStatus.NOT_SUPPORTED, plain, 0x6, 3, 1);
        board.breakSensor("volt");
        harness.fails(ScmiStatus.HARDWARE_ERROR, guest, 0x6, 1, 0);
    }

    @Test
    void disabledSensorRefusesReadsUntilEnabledAgain() throws ScmiException {
        harness.call(guest, 0xA, 0, 0);
        harness.fails(ScmiStatus.PROTOCOL_ERROR, guest, 0x6, 0, 0);
        assertEquals(16, harness.call(plain, 0x6, 0, 0).length, "other guests still read it");
        harness.call(guest, 0xA, 0, 1);
        assertEquals(16, harness.call(guest, 0x6, 0, 0).length);
    }

    @Test
    void asyncReadCompletesWithADelayedResponseCarryingTheToken() throws Exception {
        board.set("slow", 12_345);
        CountDownLatch gate = board.hold("slow");
        byte[] immediate = harness.callSized(guest, 0x6, 0x2A, 128, 3, 1);
        assertEquals(0, immediate.length, "the immediate response is the status alone");
        assertNull(guest.next(50), "nothing before the driver answers");

        assertArrayEquals(Le.bytes().u64(7).u64(0).toArray(), readTempWhileSlowIsPending(),
                "other requests are served while the slow read waits");

        gate.countDown();
        FakeAgent.Event delayed = guest.next(1000);
        assertNotNull(delayed);
        assertEquals(0x6 | 2 << 8 | 0x15 << 10 | 0x2A << 18, delayed.header());
        assertArrayEquals(Le.bytes().u32(0).u32(3).u64(12_345).u64(0).toArray(), delayed.payload());
    }

    private byte[] readTempWhileSlowIsPending() throws ScmiException {
        board.set("temp", 7);
        return harness.call(guest, 0x6, 0, 0);
    }

    @Test
    void asyncReadOfAFailingSensorDeliversItsStatusAlone() throws Exception {
        board.breakSensor("slow");
        harness.callSized(guest, 0x6, 5, 128, 3, 1);
        FakeAgent.Event delayed = guest.next(1000);
        assertNotNull(delayed);
        assertEquals(0x6 | 2 << 8 | 0x15 << 10 | 5 << 18, delayed.header());
        assertArrayEquals(Le.words(ScmiStatus.HARDWARE_ERROR.code()), delayed.payload());
    }

    @Test
    void stuckDriverIsAnsweredBeforeTheClientDeadlineAndOutstandingReadsAreBounded() throws Exception {
        CountDownLatch gate = board.hold("slow");
        long start = System.nanoTime();
        for (int token = 0; token < AsyncReads.MAX_PENDING; token++) {
            harness.callSized(guest, 0x6, token, 128, 3, 1);
        }
        harness.fails(ScmiStatus.BUSY, guest, 0x6, 3, 1);
        assertEquals(16, harness.call(plain, 0x6, 0, 0).length, "a stuck sensor blocks nobody else");

        List<Integer> tokens = new ArrayList<>();
        for (int i = 0; i < AsyncReads.MAX_PENDING; i++) {
            FakeAgent.Event delayed = guest.next(2000);
            assertNotNull(delayed, "delayed response " + i);
            assertArrayEquals(Le.words(ScmiStatus.HARDWARE_ERROR.code()), delayed.payload());
            tokens.add(delayed.header() >>> 18);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis < 2000, "answered within Linux's 2 s: " + elapsedMillis + " ms");
        assertEquals(AsyncReads.MAX_PENDING, tokens.stream().distinct().count());
        gate.countDown();
        harness.callSized(guest, 0x6, 99, 128, 3, 1);
        assertEquals(99, guest.next(1000).header() >>> 18, "the limit frees up once answered");
    }

    @Test
    void readsOfAnAbsentDriverWaitThenFailButIdsStay() throws ScmiException {
        harness.protocol.removeDriver(board);
        long start = System.nanoTime();
        harness.fails(ScmiStatus.HARDWARE_ERROR, guest, 0x6, 0, 0);
        assertTrue((System.nanoTime() - start) / 1_000_000 >= Harness.GRACE_MILLIS, "waited the grace period");
        assertEquals(4, DescriptionTest.word(harness.call(guest, 0x1), 0) & 0xFFFF);
    }

    @Test
    void aReadWaitingForItsDriverIsAnsweredWhenTheDriverReturns() throws Exception {
        board.set("temp", 41_000);
        harness.protocol.removeDriver(board);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return harness.call(plain, 0x6, 0, 0);
            } catch (ScmiException e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(Harness.GRACE_MILLIS / 4);
        assertFalse(read.isDone(), "the read waits for the driver");
        harness.protocol.addDriver(board);
        assertArrayEquals(Le.bytes().u64(41_000).u64(0).toArray(), read.get(1, TimeUnit.SECONDS));
    }
}
