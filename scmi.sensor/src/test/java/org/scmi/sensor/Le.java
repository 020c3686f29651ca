package org.scmi.sensor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds expected little-endian bytes. */
final class Le {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Le bytes() {
        return new Le();
    }

    static byte[] words(int... words) {
        Le le = new Le();
        for (int w : words) {
            le.u32(w);
        }
        return le.toArray();
    }

    Le u32(int value) {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
        return this;
    }

    Le u64(long value) {
        return u32((int) value).u32((int) (value >>> 32));
    }

    Le name(String name, int size) {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        out.write(ascii, 0, Math.min(ascii.length, size - 1));
        for (int i = Math.min(ascii.length, size - 1); i < size; i++) {
            out.write(0);
        }
        return this;
    }

    byte[] toArray() {
        return out.toByteArray();
    }
}
