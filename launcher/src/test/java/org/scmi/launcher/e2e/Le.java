package org.scmi.launcher.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Expected SCMI bytes, written out field by field in little-endian order: the oracle the tests
 * compare the server's answers with. Deliberately independent of the server's own writer.
 */
public final class Le {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private Le() {
    }

    /** Starts with these 32-bit words. */
    public static Le words(int... words) {
        Le le = new Le();
        for (int word : words) {
            le.u32(word);
        }
        return le;
    }

    public Le u32(int value) {
        for (int shift = 0; shift < Integer.SIZE; shift += Byte.SIZE) {
            bytes.write(value >>> shift);
        }
        return this;
    }

    /** A 64-bit value as two words, low word first. */
    public Le u64(long value) {
        return u32((int) value).u32((int) (value >>> Integer.SIZE));
    }

    /** ASCII text NUL-padded to a field of {@code size} bytes. */
    public Le name(String text, int size) {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length >= size) {
            throw new IllegalArgumentException("'" + text + "' does not fit " + size + " bytes with its NUL");
        }
        bytes.writeBytes(ascii);
        bytes.writeBytes(new byte[size - ascii.length]);
        return this;
    }

    /** Raw bytes, e.g. protocol ids packed one per byte. */
    public Le raw(int... values) {
        for (int value : values) {
            bytes.write(value);
        }
        return this;
    }

    /** Bytes as they are. */
    public Le append(byte[] values) {
        bytes.writeBytes(values);
        return this;
    }

    /** The bytes of another expectation, e.g. one item of a list. */
    public Le append(Le values) {
        return append(values.bytes());
    }

    public byte[] bytes() {
        return bytes.toByteArray();
    }

    /** The little-endian word at word index {@code index} of {@code bytes}. */
    public static int word(byte[] bytes, int index) {
        int offset = index * Integer.BYTES;
        return bytes[offset] & 0xFF | (bytes[offset + 1] & 0xFF) << 8 | (bytes[offset + 2] & 0xFF) << 16
                | (bytes[offset + 3] & 0xFF) << 24;
    }

    /** Bytes as spaced hex words, for readable assertion messages. */
    public static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        HexFormat format = HexFormat.of();
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0 && i % Integer.BYTES == 0) {
                text.append(' ');
            }
            text.append(format.toHexDigits(bytes[i]));
        }
        return text.toString();
    }
}
