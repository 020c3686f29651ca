package org.scmi.launcher.admin;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Latencies in nanoseconds, recorded lock-free from any number of request threads: one counter per
 * bucket, buckets log-linear (each power of two split into {@value #SUB_BUCKETS} equal buckets), so a
 * percentile is known within 1/{@value #SUB_BUCKETS} of its value whatever its magnitude. Recording
 * is a few shifts and one atomic increment; no allocation.
 */
final class LatencyHistogram {
    private static final int SUB_BUCKET_BITS = 4;
    static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** Values below this have a bucket each. */
    private static final int EXACT_LIMIT = 2 * SUB_BUCKETS;
    /** Buckets up to Long.MAX_VALUE: the exact ones, then SUB_BUCKETS per power of two above them. */
    private static final int BUCKETS = bucket(Long.MAX_VALUE) + 1;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAccumulator max = new LongAccumulator(Math::max, 0);

    /** Records one latency; negative values count as 0. */
    void record(long nanos) {
        long value = Math.max(0, nanos);
        counts.incrementAndGet(bucket(value));
        max.accumulate(value);
    }

    /** A copy of the counts, for computing percentiles away from the request path. */
    Snapshot snapshot() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
        }
        return new Snapshot(copy, max.get());
    }

    static int bucket(long value) {
        if (value < EXACT_LIMIT) {
            return (int) value;
        }
        int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BUCKET_BITS;
        return (shift + 1) * SUB_BUCKETS + (int) ((value >>> shift) - SUB_BUCKETS);
    }

    /** The largest value that falls in {@code bucket}. */
    static long highestValueIn(int bucket) {
        if (bucket < EXACT_LIMIT) {
            return bucket;
        }
        int shift = bucket / SUB_BUCKETS - 1;
        long lowest = (long) (SUB_BUCKETS + bucket % SUB_BUCKETS) << shift;
        return lowest + ((1L << shift) - 1);
    }

    /** Counts at one moment. */
    static final class Snapshot {
        private final long[] counts;
        private final long max;
        private final long total;

        private Snapshot(long[] counts, long max) {
            this.counts = counts;
            this.max = max;
            long sum = 0;
            for (long count : counts) {
                sum += count;
            }
            this.total = sum;
        }

        long count() {
            return total;
        }

        long max() {
            return max;
        }

        /**
         * The latency that {@code percent} of the recorded ones do not exceed, as the top of its bucket
         * (never above the largest value recorded); 0 when nothing was recorded.
         */
        long percentile(double percent) {
            if (total == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(percent / 100 * total));
            long seen = 0;
            for (int bucket = 0; bucket < counts.length; bucket++) {
                seen += counts[bucket];
                if (seen >= rank) {
                    return Math.min(highestValueIn(bucket), max);
                }
            }
            return max;
        }
    }
}
