package org.scmi.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;

class PagingTest {
    private static final Paging.Counts BYTE_COUNTS = new Paging.Counts(0xFF, 24);

    private static int[] words(Reply reply) {
        ByteBuffer bytes = ByteBuffer.wrap(reply.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        int[] words = new int[bytes.remaining() / Integer.BYTES];
        bytes.asIntBuffer().get(words);
        return words;
    }

    private static Reply page(int capacity, Paging.Counts counts, List<Integer> items, int from) throws ScmiException {
        Reply reply = new Reply(capacity);
        Paging.write(reply, counts, items, from, item -> Integer.BYTES, (out, i, item) -> out.u32(item));
        return reply;
    }

    @Test
    void aReplyCarriesTheItemsThatFitAndCountsTheRest() throws ScmiException {
        List<Integer> items = List.of(10, 11, 12, 13, 14);
        assertArrayEquals(new int[] {2 | 2 << 24, 11, 12}, words(page(12, BYTE_COUNTS, items, 1)));
        assertArrayEquals(new int[] {1, 14}, words(page(64, BYTE_COUNTS, items, 4)));
    }

    @Test
    void aReplyCarriesNoMoreItemsThanItsReturnedFieldCounts() throws ScmiException {
        List<Integer> items = IntStream.range(0, 5).boxed().toList();
        int[] words = words(page(64, new Paging.Counts(0x3, 16), items, 0));
        assertEquals(3 | 2 << 16, words[0]);
        assertEquals(4, words.length);
    }

    @Test
    void aRemainingCountTooLargeForItsFieldReportsTheFieldsMaximum() throws ScmiException {
        List<Integer> items = Collections.nCopies(300, 7);
        assertEquals(1 | 0xFF << 24, words(page(8, BYTE_COUNTS, items, 0))[0]);
    }

    @Test
    void aBufferThatHoldsNoItemFailsTheReply() {
        ScmiException failure = assertThrows(ScmiException.class, () -> page(4, BYTE_COUNTS, List.of(1, 2), 0));
        assertEquals(ScmiStatus.COMMS_ERROR, failure.status());
    }
}
