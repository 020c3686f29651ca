package org.scmi.transport.xen.xenstore;

import java.io.EOFException;
import java.io.IOException;

/**
 * A byte stream to or from a XenStore peer: xenstored's Unix socket, the {@code /dev/xen/xenbus}
 * device, or a connection accepted by the simulated store. Framing is the same on all of them.
 */
public interface XsChannel extends AutoCloseable {

    /** Reads up to {@code length} bytes; returns -1 at end of stream. */
    int read(byte[] buffer, int offset, int length) throws IOException;

    /** Writes one whole message (the xenbus device needs header and payload in one write). */
    void write(byte[] message) throws IOException;

    @Override
    void close();

    /** Reads one framed message; a payload over the protocol limit is an error. */
    default XsWire.Message receive() throws IOException {
        byte[] header = new byte[XsWire.HEADER_SIZE];
        readFully(header);
        XsWire.Header decoded = XsWire.decodeHeader(header);
        if (decoded.length() < 0 || decoded.length() > XsWire.PAYLOAD_MAX) {
            throw new IOException("XenStore message of " + Integer.toUnsignedString(decoded.length())
                    + " bytes exceeds the protocol's " + XsWire.PAYLOAD_MAX);
        }
        byte[] payload = new byte[decoded.length()];
        readFully(payload);
        return new XsWire.Message(decoded.type(), decoded.reqId(), decoded.txId(), payload);
    }

    default void send(XsWire.Message message) throws IOException {
        write(XsWire.encode(message));
    }

    private void readFully(byte[] buffer) throws IOException {
        int at = 0;
        while (at < buffer.length) {
            int n = read(buffer, at, buffer.length - at);
            if (n < 0) {
                throw new EOFException("XenStore connection closed");
            }
            at += n;
        }
    }
}
