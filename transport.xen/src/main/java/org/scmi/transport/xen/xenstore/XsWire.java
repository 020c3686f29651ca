package org.scmi.transport.xen.xenstore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The XenStore wire protocol (Xen {@code public/io/xs_wire.h}, {@code docs/misc/xenstore.txt}):
 * every message either way is a 16-byte little-endian header {@code type, req_id, tx_id, len}
 * followed by {@code len} payload bytes. Strings in payloads are NUL-terminated, except the value
 * of a WRITE and the reply to a READ. One codec for client and server.
 */
public final class XsWire {
    public static final int HEADER_SIZE = 16;
    static final int HEADER_TYPE = 0;
    static final int HEADER_REQ_ID = 4;
    static final int HEADER_TX_ID = 8;
    static final int HEADER_LEN = 12;
    /** XENSTORE_PAYLOAD_MAX: larger payloads make xenstored drop the connection. */
    public static final int PAYLOAD_MAX = 4096;
    /** XENSTORE_ABS_PATH_MAX. */
    public static final int ABS_PATH_MAX = 3072;

    public static final int XS_DIRECTORY = 1;
    public static final int XS_READ = 2;
    public static final int XS_GET_PERMS = 3;
    public static final int XS_WATCH = 4;
    public static final int XS_UNWATCH = 5;
    public static final int XS_TRANSACTION_START = 6;
    public static final int XS_TRANSACTION_END = 7;
    public static final int XS_GET_DOMAIN_PATH = 10;
    public static final int XS_WRITE = 11;
    public static final int XS_MKDIR = 12;
    public static final int XS_RM = 13;
    public static final int XS_SET_PERMS = 14;
    public static final int XS_WATCH_EVENT = 15;
    public static final int XS_ERROR = 16;
    public static final int XS_IS_DOMAIN_INTRODUCED = 17;
    public static final int XS_RESET_WATCHES = 21;

    /** The payload of most successful replies. */
    public static final String OK = "OK";
    /** TRANSACTION_END payloads. */
    public static final String COMMIT = "T";
    public static final String ABORT = "F";
    /** Watchable pseudo-path for domain death. */
    public static final String RELEASE_DOMAIN = "@releaseDomain";

    private XsWire() {
    }

    /** One message, header fields and payload. */
    public record Message(int type, int reqId, int txId, byte[] payload) {
        public Message {
            if (payload.length > PAYLOAD_MAX) {
                throw new IllegalArgumentException("XenStore payload of " + payload.length + " bytes exceeds " + PAYLOAD_MAX);
            }
        }

        /** The payload's NUL-separated strings (a trailing NUL ends the last one). */
        public List<String> strings() {
            return splitStrings(payload);
        }

        /** The payload as text, without a trailing NUL. */
        public String text() {
            int length = payload.length;
            if (length > 0 && payload[length - 1] == 0) {
                length--;
            }
            return new String(payload, 0, length, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "XenStore message type " + type + " req " + reqId + " tx " + txId + " len " + payload.length;
        }
    }

    /** Header and payload as they go on the wire. */
    public static byte[] encode(Message message) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_SIZE + message.payload().length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(HEADER_TYPE, message.type());
        buffer.putInt(HEADER_REQ_ID, message.reqId());
        buffer.putInt(HEADER_TX_ID, message.txId());
        buffer.putInt(HEADER_LEN, message.payload().length);
        buffer.put(HEADER_SIZE, message.payload());
        return buffer.array();
    }

    /** Decoded header fields; {@code len} still to be checked against {@link #PAYLOAD_MAX}. */
    public record Header(int type, int reqId, int txId, int length) {
    }

    public static Header decodeHeader(byte[] header) {
        ByteBuffer buffer = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        return new Header(buffer.getInt(HEADER_TYPE), buffer.getInt(HEADER_REQ_ID), buffer.getInt(HEADER_TX_ID),
                buffer.getInt(HEADER_LEN));
    }

    /** Each string followed by a NUL. */
    public static byte[] strings(String... strings) {
        return strings(List.of(strings));
    }

    public static byte[] strings(List<String> strings) {
        int size = 0;
        List<byte[]> encoded = new ArrayList<>();
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            encoded.add(bytes);
            size += bytes.length + 1;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] bytes : encoded) {
            System.arraycopy(bytes, 0, out, at, bytes.length);
            at += bytes.length + 1;
        }
        return out;
    }

    /** A NUL-terminated string followed by raw bytes (WRITE: path NUL value). */
    public static byte[] stringThenBytes(String string, byte[] bytes) {
        byte[] head = strings(string);
        byte[] out = new byte[head.length + bytes.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(bytes, 0, out, head.length, bytes.length);
        return out;
    }

    static List<String> splitStrings(byte[] payload) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                out.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < payload.length) {
            out.add(new String(payload, start, payload.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Index of the first NUL in a payload, or -1. */
    public static int firstNul(byte[] payload) {
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
