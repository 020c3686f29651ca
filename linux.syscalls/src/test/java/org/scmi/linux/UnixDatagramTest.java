package org.scmi.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unix datagrams as sd_notify sends them: to a path or to an abstract name, one message each. */
class UnixDatagramTest {
    private static final int WAIT_MILLIS = 5_000;

    @TempDir
    Path folder;

    @Test
    void aDatagramSentToAPathArrivesWhole() throws Exception {
        String path = folder.resolve("notify").toString();
        assertEquals("READY=1\nSTATUS=ready", sendAndReceive(path, "READY=1\nSTATUS=ready"));
    }

    @Test
    void aDatagramSentToAnAbstractNameArrivesWhole() throws Exception {
        String name = "@scmi-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        assertEquals("STOPPING=1", sendAndReceive(name, "STOPPING=1"));
    }

    @Test
    void sendingWhereNobodyListensFailsWithTheReason() {
        LinuxException e = assertThrows(LinuxException.class,
                () -> Linux.sendUnixDatagram(folder.resolve("absent").toString(), new byte[] {1}));
        assertEquals(Errno.ENOENT, e.errno());
    }

    private static String sendAndReceive(String address, String message) throws LinuxException {
        int fd = Linux.bindUnixDatagram(address);
        try (Arena arena = Arena.ofConfined()) {
            Linux.sendUnixDatagram(address, message.getBytes(StandardCharsets.UTF_8));
            assertEquals(1, Linux.poll(new int[] {fd}, new short[1], WAIT_MILLIS), "datagram arrived");
            MemorySegment buffer = arena.allocate(256);
            long read = Linux.read(fd, buffer);
            byte[] bytes = buffer.asSlice(0, read).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(message.getBytes(StandardCharsets.UTF_8), bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } finally {
            Linux.close(fd);
        }
    }
}
