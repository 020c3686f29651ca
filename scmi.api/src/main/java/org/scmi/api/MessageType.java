package org.scmi.api;

/** The message type field (bits 9:8) of an SCMI header. Value 1 is unused by the specification. */
public enum MessageType {
    /** An agent's command, and the platform's synchronous response to it. */
    COMMAND(0),
    /** The platform's completion of an asynchronous command, sent on the P2A channel. */
    DELAYED_RESPONSE(2),
    /** A platform notification, sent on the P2A channel. */
    NOTIFICATION(3);

    private final int value;

    MessageType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The type for a header field value, or {@code null} for the unused value 1. */
    public static MessageType of(int value) {
        return switch (value) {
            case 0 -> COMMAND;
            case 2 -> DELAYED_RESPONSE;
            case 3 -> NOTIFICATION;
            default -> null;
        };
    }
}
