package org.scmi.transport.xen.xenstore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz target: the XenStore client reading whatever a store (xenstored, the xenbus device, or
 * something pretending to be one) sends back. The input is the whole byte stream from the store:
 * replies, watch events, headers announcing any length, or a stream cut anywhere. The client then
 * makes the calls the Xen backend makes: read, write, directory, permissions, a transaction, a
 * watch and a domain path.
 *
 * <p>Invariants: every call returns or fails with a {@link XenStoreException}; nothing else
 * escapes, no call waits for a reply that will never come once the stream ended, and what the
 * client wrote to the store is whole, well-formed requests.
 */
class XenStoreClientFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void replies(byte[] stream) throws Exception {
        ScriptedStore store = new ScriptedStore(stream);
        try (XenStoreClient client = new XenStoreClient(store, "fuzz")) {
            call(() -> client.read("/local/domain/1/device/virtio/0/state"));
            call(() -> {
                client.write("backend/virtio/1/0/state", "2");
                return null;
            });
            call(() -> client.directory("/local/domain/1/device/virtio"));
            call(() -> client.getPermissions("backend/virtio/1/0"));
            call(() -> client.transaction(ops -> {
                Optional<String> state = ops.read("backend/virtio/1/0/state");
                ops.write("backend/virtio/1/0/state", state.orElse("1"));
                return ops.directory("backend/virtio/1");
            }));
            call(() -> client.watch("/local/domain/1/device/virtio/0/state", path -> { }));
            call(() -> client.domainPath(1));
        }
        assertWholeRequests(store.written.toByteArray());
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws XenStoreException;
    }

    private static void call(Call call) {
        try {
            call.run();
        } catch (XenStoreException expected) {
            // the store's error or a broken connection: the caller sees a XenStore failure
        }
    }

    private static void assertWholeRequests(byte[] written) {
        int at = 0;
        while (at < written.length) {
            assertTrue(written.length - at >= XsWire.HEADER_SIZE, "a request cut inside its header");
            XsWire.Header header = XsWire.decodeHeader(java.util.Arrays.copyOfRange(written, at, at + XsWire.HEADER_SIZE));
            assertTrue(header.length() >= 0 && header.length() <= XsWire.PAYLOAD_MAX, "payload length " + header.length());
            at += XsWire.HEADER_SIZE + header.length();
        }
        assertTrue(at == written.length, "a request cut inside its payload");
    }

    /** A store that answers with the given bytes, in pieces of any size, then closes its end. */
    private static final class ScriptedStore implements XsChannel {
        private final byte[] stream;
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private int position;

        ScriptedStore(byte[] stream) {
            this.stream = stream;
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) {
            if (position >= stream.length) {
                return -1;
            }
            // Short reads, as a socket gives: the first byte of each piece says how long it is.
            int piece = Math.max(1, Math.min(length, Math.min(stream.length - position, 1 + (stream[position] & 0x3F))));
            System.arraycopy(stream, position, buffer, offset, piece);
            position += piece;
            return piece;
        }

        @Override
        public synchronized void write(byte[] message) throws IOException {
            written.write(message);
        }

        @Override
        public void close() {
        }
    }
}
