package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsFollowEachOtherWithoutGapsOrOverlaps() {
        long expectedLowest = 0;
        for (int bucket = 0; bucket <= LatencyHistogram.bucket(Long.MAX_VALUE); bucket++) {
            assertEquals(bucket, LatencyHistogram.bucket(expectedLowest), "lowest value of bucket " + bucket);
            long highest = LatencyHistogram.highestValueIn(bucket);
            assertEquals(bucket, LatencyHistogram.bucket(highest), "highest value of bucket " + bucket);
            if (highest == Long.MAX_VALUE) {
                return;
            }
            expectedLowest = highest + 1;
        }
        throw new AssertionError("the last bucket does not reach Long.MAX_VALUE");
    }

    @Test
    void aBucketIsNarrowerThanASixteenthOfItsValues() {
        for (long value : new long[] {31, 32, 33, 1_000, 65_535, 1_234_567, 987_654_321_000L}) {
            int bucket = LatencyHistogram.bucket(value);
            long lowest = bucket == 0 ? 0 : LatencyHistogram.highestValueIn(bucket - 1) + 1;
            long width = LatencyHistogram.highestValueIn(bucket) - lowest + 1;
            assertTrue(width <= Math.max(1, value / LatencyHistogram.SUB_BUCKETS), "bucket of " + value
                    + " is " + width + " wide");
        }
    }

    @Test
    void percentilesOfAUniformSpreadAreWithinTheBucketPrecision() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long micros = 1; micros <= 1_000; micros++) {
            histogram.record(micros * 1_000);
        }
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertEquals(1_000, snapshot.count());
        assertEquals(1_000_000, snapshot.max());
        assertWithin(500_000, snapshot.percentile(50));
        assertWithin(900_000, snapshot.percentile(90));
        assertWithin(990_000, snapshot.percentile(99));
        assertEquals(1_000_000, snapshot.percentile(100));
    }

    @Test
    void aSingleSlowRequestShowsInTheMaximumAndTheTopPercentileOnly() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 999; i++) {
            histogram.record(20_000);
        }
        histogram.record(5_000_000_000L);
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertWithin(20_000, snapshot.percentile(50));
        assertWithin(20_000, snapshot.percentile(99));
        assertEquals(5_000_000_000L, snapshot.max());
        assertEquals(5_000_000_000L, snapshot.percentile(100));
    }

    @Test
    void nothingRecordedGivesZeros() {
        LatencyHistogram.Snapshot snapshot = new LatencyHistogram().snapshot();
        assertEquals(0, snapshot.count());
        assertEquals(0, snapshot.percentile(99));
        assertEquals(0, snapshot.max());
    }

    @Test
    void negativeTimesCountAsZero() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(-5);
        assertEquals(1, histogram.snapshot().count());
        assertEquals(0, histogram.snapshot().percentile(50));
    }

    @Test
    void concurrentRecordingLosesNoCount() throws InterruptedException {
        LatencyHistogram histogram = new LatencyHistogram();
        int threads = 4;
        int perThread = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = (t + 1) * 1_000L;
            workers.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perThread; i++) {
                    histogram.record(base + i % 100);
                }
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals((long) threads * perThread, histogram.snapshot().count());
        assertEquals(4_099, histogram.snapshot().max());
    }

    private static void assertWithin(long expected, long actual) {
        long tolerance = expected / LatencyHistogram.SUB_BUCKETS;
        assertTrue(Math.abs(actual - expected) <= tolerance, "expected " + expected + " +/- " + tolerance + ", got "
                + actual);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
