package org.scmi.transport.xen.xenstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xenbus device channel over a FIFO standing for {@code /dev/xen/xenbus} (a character device
 * whose blocked read close(2) does not wake): bytes written come back to the reader, and closing
 * the channel ends a read that waits for more.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeviceXsChannelTest {
    @TempDir
    Path dir;

    private Path fifo() throws Exception {
        Path fifo = dir.resolve("xenbus");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        return fifo;
    }

    @Test
    void readsWhatArrivesAndAWaitingReadEndsWhenClosed() throws Exception {
        DeviceXsChannel channel = DeviceXsChannel.open(fifo().toString());
        byte[] message = {1, 2, 3, 4, 5};
        channel.write(message);
        byte[] read = new byte[16];
        int n = channel.read(read, 0, read.length);
        assertArrayEquals(message, Arrays.copyOf(read, n));

        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.read(read, 0, read.length);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        channel.close();
        assertEquals(-1, waiting.get(20, TimeUnit.SECONDS), "the waiting read ends at close");
        channel.close();
        assertTrue(waiting.isDone());
    }
}
