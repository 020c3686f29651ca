package org.scmi.api.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.scmi.api.ScmiStatus;

/** Builds expected little-endian wire bytes independently of the code under test. */
public final class Le {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Le() {
    }

    public static Le bytes() {
        return new Le();
    }

    /** Little-endian words, as an agent sends parameters. */
    public static byte[] words(int... words) {
        Le le = new Le();
        for (int word : words) {
            le.u32(word);
        }
        return le.toArray();
    }

    /** Bytes from hex digits; spaces are only for reading. */
    public static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    public Le u32(int value) {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
        return this;
    }

    public Le u64(long value) {
        return u32((int) value).u32((int) (value >>> 32));
    }

    public Le status(ScmiStatus status) {
        return u32(status.code());
    }

    /** A NUL-padded ASCII field of {@code size} bytes, the text cut to leave room for the NUL. */
    public Le name(String name, int size) {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        out.write(ascii, 0, Math.min(ascii.length, size - 1));
        for (int i = Math.min(ascii.length, size - 1); i < size; i++) {
            out.write(0);
        }
        return this;
    }

    public byte[] toArray() {
        return out.toByteArray();
    }
}
