package org.scmi.sensor;

import org.scmi.api.Reply;
import org.scmi.api.ScmiException;

/** Payloads of messages the platform starts (notifications, delayed responses), sized exactly. */
final class EventPayload {

    @FunctionalInterface
    interface Writer {
        void write(Reply payload) throws ScmiException;
    }

    private EventPayload() {
    }

    /** The bytes {@code writer} produces in a payload of exactly {@code size} bytes. */
    static byte[] of(int size, Writer writer) {
        Reply payload = new Reply(size);
        try {
            writer.write(payload);
        } catch (ScmiException e) {
            throw new IllegalStateException("payload larger than its computed size of " + size, e);
        }
        if (payload.length() != size) {
            throw new IllegalStateException("payload of " + payload.length() + " bytes, computed " + size);
        }
        return payload.toByteArray();
    }
}
