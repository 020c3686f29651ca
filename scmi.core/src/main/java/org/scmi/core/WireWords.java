package org.scmi.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian 32-bit words in byte arrays: the header and status words around SCMI payloads. */
final class WireWords {
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private WireWords() {
    }

    static int get(byte[] bytes, int offset) {
        return (int) LE_INT.get(bytes, offset);
    }

    static void put(byte[] bytes, int offset, int value) {
        LE_INT.set(bytes, offset, value);
    }
}
