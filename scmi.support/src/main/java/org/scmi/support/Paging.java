package org.scmi.support;

import java.util.List;
import java.util.function.ToIntFunction;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;

/**
 * Multi-part list replies: a flags word with the returned and remaining counts, then as many items
 * from the requested index as the agent's buffer holds. Linux posts 128 bytes for these replies
 * and rejects a reply that does not fit, so replies are sized from {@link Reply#remaining()}.
 */
public final class Paging {

    /** Writes one item of a list. */
    @FunctionalInterface
    public interface ItemWriter<T> {
        void write(Reply reply, int index, T item) throws ScmiException;
    }

    /**
     * Bit layout of a list's flags word: the returned count from bit 0, the remaining count from
     * {@code remainingShift} to bit 31.
     *
     * @param returnedMask mask of the returned count, also the most items one reply carries
     * @param remainingShift position of the remaining count
     */
    public record Counts(int returnedMask, int remainingShift) {
        /** A remaining count too large for its field reports the field's maximum. */
        int encode(int returned, int remaining) {
            return returned | Math.min(remaining, -1 >>> remainingShift) << remainingShift;
        }
    }

    private Paging() {
    }

    /**
     * Writes the flags word and the items from {@code from} that fit. The first item is written
     * even if it does not fit, which fails the reply: a buffer that holds no item at all cannot
     * make progress.
     *
     * @param size bytes one item takes in the reply
     */
    public static <T> void write(Reply reply, Counts counts, List<T> items, int from, ToIntFunction<T> size,
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
