package org.scmi.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SampleWritersTest {
    private final AtomicInteger made = new AtomicInteger();
    private final SampleWriters writers = new SampleWriters(() -> {
        made.incrementAndGet();
        return new ReadingWriter(1, new EpochMicros());
    });

    @Test
    void aWriterGivenBackIsLentAgain() {
        ReadingWriter first = writers.take();
        writers.give(first);
        assertSame(first, writers.take());
        assertEquals(1, made.get());
    }

    @Test
    void readsAtTheSameTimeGetWritersOfTheirOwnAndAtMostTheSlotsAreKept() {
        List<ReadingWriter> lent = new ArrayList<>();
        for (int i = 0; i < SampleWriters.SLOTS + 4; i++) {
            lent.add(writers.take());
        }
        assertEquals(SampleWriters.SLOTS + 4, new HashSet<>(lent).size(), "no writer lent twice");
        lent.forEach(writers::give);
        List<ReadingWriter> again = new ArrayList<>();
        for (int i = 0; i < SampleWriters.SLOTS + 1; i++) {
            again.add(writers.take());
        }
        assertEquals(SampleWriters.SLOTS + 5, made.get(), "the slots kept " + SampleWriters.SLOTS + " writers");
        assertNotSame(again.get(SampleWriters.SLOTS), again.get(0));
    }
}
