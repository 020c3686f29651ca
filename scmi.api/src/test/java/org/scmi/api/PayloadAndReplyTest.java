package org.scmi.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The parameter reader and the reply writer, over their own bytes and in place in a buffer. */
class PayloadAndReplyTest {

    private static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    @Test
    void parametersAreReadLittleEndianUpToTheirEnd() throws Exception {
        Payload payload = new Payload(ByteBuffer.wrap(bytes(9, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0)).position(1));
        assertEquals(12, payload.length());
        assertEquals(1, payload.u32());
        assertEquals(3L << 32 | 2, payload.u64());
        assertEquals(0, payload.remaining());
        ScmiException truncated = assertThrows(ScmiException.class, payload::u32);
        assertEquals(ScmiStatus.PROTOCOL_ERROR, truncated.status());
        payload.rewind();
        assertEquals(1, payload.u32());
    }

    @Test
    void parametersInPlaceStayInsideTheirRange() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(16);
            buffer.set(ValueLayout.JAVA_INT_UNALIGNED, 4, 0x11);
            buffer.set(ValueLayout.JAVA_INT_UNALIGNED, 8, 0x22);
            Payload payload = new Payload(buffer, 4, 4);
            assertEquals(0x11, payload.u32());
            assertThrows(ScmiException.class, payload::u32, "the next word is not a parameter");
            payload.reset(buffer, 8, 8);
            assertEquals(0x22, payload.u32());
            assertArrayEquals(bytes(0x22, 0, 0, 0, 0, 0, 0, 0), payload.toByteArray());
            assertThrows(IndexOutOfBoundsException.class, () -> payload.reset(buffer, 12, 8));
        }
    }

    @Test
    void namesAreNulTerminatedFields() throws Exception {
        Payload payload = Payload.of(bytes('a', 'b', 0, 'z', 'c', 'd', 'e', 'f'));
        assertEquals("ab", payload.name(4));
        assertEquals("cdef", payload.name(4));
        Reply reply = new Reply(8);
        reply.name("abcdefghij", 8);
        assertArrayEquals(bytes('a', 'b', 'c', 'd', 'e', 'f', 'g', 0), reply.toByteArray());
    }

    @Test
    void aReplyInPlaceIsWrittenIntoTheBufferAndBoundedByItsCapacity() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(24);
            buffer.fill((byte) 0x55);
            Reply reply = new Reply(buffer, 8, 12);
            reply.u32(1).u64(0x0000_0003_0000_0002L);
            assertEquals(0, reply.remaining());
            ScmiException full = assertThrows(ScmiException.class, () -> reply.u32(4));
            assertEquals(ScmiStatus.COMMS_ERROR, full.status());
            reply.u32At(0, 7);
            assertThrows(IndexOutOfBoundsException.class, () -> reply.u32At(12, 0), "past the capacity");
            assertArrayEquals(bytes(0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 7, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0,
                    0x55, 0x55, 0x55, 0x55), buffer.toArray(ValueLayout.JAVA_BYTE), "nothing outside its range");
            assertArrayEquals(bytes(7, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0), reply.toByteArray());
            reply.rewind();
            assertEquals(0, reply.length());
            reply.reset(buffer, 0, 4).bytes(bytes(1, 2, 3, 4));
            assertEquals(1, buffer.get(ValueLayout.JAVA_BYTE, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> reply.reset(buffer, 20, 8));
        }
    }

    @Test
    void aReplyOfItsOwnHasItsCapacity() throws Exception {
        Reply reply = new Reply(4);
        assertEquals(4, reply.remaining());
        reply.u16(0x10203).bytes(bytes(3, 4));
        assertThrows(ScmiException.class, () -> reply.bytes(bytes(5)));
        assertThrows(ScmiException.class, () -> reply.u16(5));
        assertArrayEquals(bytes(3, 2, 3, 4), reply.toByteArray(), "the low half of a 16-bit value, low byte first");
        assertEquals(0, new Reply(-1).remaining());
    }
}
