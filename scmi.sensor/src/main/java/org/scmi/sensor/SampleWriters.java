package org.scmi.sensor;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The sample writers of synchronous reads, lent one per read and given back, so that a read on a
 * serving thread makes none. Not a {@link ThreadLocal}: the transport's threads outlive this bundle,
 * and a writer left in their thread-local maps would keep an updated bundle's classes reachable.
 *
 * <p>Thread-safe without locks: each idle writer sits in a slot a borrower empties by compare and
 * set. More reads at once than {@link #SLOTS} get a writer of their own, dropped afterwards.
 */
final class SampleWriters {
    /** Idle writers kept: more than the reads a server's threads run at the same moment. */
    static final int SLOTS = 16;

    private final AtomicReferenceArray<ReadingWriter> idle = new AtomicReferenceArray<>(SLOTS);
    private final Supplier<ReadingWriter> factory;

    SampleWriters(Supplier<ReadingWriter> factory) {
        this.factory = factory;
    }

    /** An idle writer, or a new one if every slot is empty. */
    ReadingWriter take() {
        for (int slot = 0; slot < SLOTS; slot++) {
            ReadingWriter writer = idle.get(slot);
            if (writer != null && idle.compareAndSet(slot, writer, null)) {
                return writer;
            }
        }
        return factory.get();
    }

    /** Gives a writer back once its read is written; kept if a slot is free. */
    void give(ReadingWriter writer) {
        for (int slot = 0; slot < SLOTS; slot++) {
            if (idle.get(slot) == null && idle.compareAndSet(slot, null, writer)) {
                return;
            }
        }
    }
}
