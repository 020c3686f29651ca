package org.scmi.sensor;

import java.util.List;
import java.util.function.ToIntFunction;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;

/**
 * Multi-part list replies: a flags word with the returned and remaining counts, then as many items
 * from the requested index as the agent's buffer holds. Linux posts 128 bytes for these replies
 * and rejects a reply that does not fit, so replies are sized from {@link Reply#remaining()}.
 */
final class Paging {

    /** Writes one item of a list. */
    @FunctionalInterface
    interface ItemWriter<T> {
        void write(Reply reply, int index, T item) throws ScmiException;
    }

    /**
     * Bit layout of a list's flags word.
     *
     * @param returnedMask mask of the returned count (bits from 0)
     * @param remainingShift position of the remaining count
     */
    record Counts(int returnedMask, int remainingShift) {
        int encode(int returned, int remaining) {
            return returned | remaining << remainingShift;
        }
    }

    /** SENSOR_DESCRIPTION_GET and SENSOR_LIST_UPDATE_INTERVALS: returned 11:0, remaining 31:16. */
    static final Counts WIDE = new Counts(0xFFF, 16);
    /** SENSOR_AXIS_DESCRIPTION_GET and SENSOR_AXIS_NAME_GET: returned 5:0, remaining 31:26. */
    static final Counts AXES = new Counts(0x3F, 26);

    private Paging() {
    }

    /**
     * Writes the flags word and the items from {@code from} that fit. The first item is written
     * even if it does not fit, which fails the reply: a buffer that holds no item at all cannot
     * make progress.
     */
    static <T> void write(Reply reply, Counts counts, List<T> items, int from, ToIntFunction<T> size,
            ItemWriter<T> writer) throws ScmiException {
        int flagsOffset = reply.length();
        reply.u32(0);
        int index = from;
        while (index < items.size() && index - from < counts.returnedMask()
                && (index == from || size.applyAsInt(items.get(index)) <= reply.remaining())) {
            writer.write(reply, index, items.get(index));
            index++;
        }
        reply.u32At(flagsOffset, counts.encode(index - from, items.size() - index));
    }
}
