package org.scmi.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.scmi.api.ScmiStatus;

/**
 * What the device returned for one command.
 *
 * @param commandHeader the header word the command carried
 * @param usedLength the used length the device reported
 * @param bytes the bytes the device wrote, up to the used length
 */
public record Response(int commandHeader, int usedLength, byte[] bytes) {

    /** The status word, or throws if the device did not write one. */
    public int status() {
        return word(1);
    }

    /** The {@code index}th return value after the status word. */
    public int value(int index) {
        return word(2 + index);
    }

    private int word(int index) {
        return Le.word(bytes, index);
    }

    /**
     * Asserts a successful answer, byte for byte: the command's header unchanged, SUCCESS, then
     * exactly {@code values}, with the used length covering exactly those bytes.
     */
    public void assertValues(byte[] values) {
        assertBytes(Le.words(commandHeader, ScmiStatus.SUCCESS.code()).append(values).bytes());
    }

    /** {@link #assertValues(byte[])} for return values given as words. */
    public void assertValues(Le values) {
        assertValues(values.bytes());
    }

    /** Asserts an error answer: the command's header and the status, nothing else (used length 8). */
    public void assertStatus(ScmiStatus status) {
        assertBytes(Le.words(commandHeader, status.code()).bytes());
    }

    private void assertBytes(byte[] expected) {
        assertEquals(Le.hex(expected), Le.hex(bytes), "response bytes");
        assertEquals(expected.length, usedLength, "used length");
    }
}
