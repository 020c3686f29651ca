package org.scmi.api;

/**
 * The 32-bit SCMI message header: bits 7:0 message id, 9:8 type, 17:10 protocol id, 27:18 token,
 * 31:28 reserved.
 *
 * @param messageId message or notification id (0..255)
 * @param type message type field value (0..3; 1 is unused by the specification)
 * @param protocolId protocol id (0..255)
 * @param token sequence number chosen by the agent (0..1023)
 */
public record ScmiHeader(int messageId, int type, int protocolId, int token) {

    public static final int MESSAGE_ID_MASK = 0xFF;
    public static final int TYPE_SHIFT = 8;
    public static final int TYPE_MASK = 0x3;
    public static final int PROTOCOL_ID_SHIFT = 10;
    public static final int PROTOCOL_ID_MASK = 0xFF;
    public static final int TOKEN_SHIFT = 18;
    public static final int TOKEN_MASK = 0x3FF;

    public ScmiHeader {
        if ((messageId & ~MESSAGE_ID_MASK) != 0 || (type & ~TYPE_MASK) != 0
                || (protocolId & ~PROTOCOL_ID_MASK) != 0 || (token & ~TOKEN_MASK) != 0) {
            throw new IllegalArgumentException("header field out of range: " + messageId + "/" + type + "/"
                    + protocolId + "/" + token);
        }
    }

    /** Decodes a header word; reserved bits 31:28 are ignored. */
    public static ScmiHeader decode(int word) {
        return new ScmiHeader(
                word & MESSAGE_ID_MASK,
                (word >>> TYPE_SHIFT) & TYPE_MASK,
                (word >>> PROTOCOL_ID_SHIFT) & PROTOCOL_ID_MASK,
                (word >>> TOKEN_SHIFT) & TOKEN_MASK);
    }

    public int encode() {
        return messageId | type << TYPE_SHIFT | protocolId << PROTOCOL_ID_SHIFT | token << TOKEN_SHIFT;
    }

    /** A command header (type 0). */
    public static ScmiHeader command(int protocolId, int messageId, int token) {
        return new ScmiHeader(messageId, MessageType.COMMAND.value(), protocolId, token);
    }

    /** A notification header: notification id, type 3, token 0. */
    public static ScmiHeader notification(int protocolId, int notificationId) {
        return new ScmiHeader(notificationId, MessageType.NOTIFICATION.value(), protocolId, 0);
    }

    /** The delayed-response header for a command: same message id, protocol and token, type 2. */
    public static int delayedResponseFor(int commandHeader) {
        ScmiHeader command = decode(commandHeader);
        return new ScmiHeader(command.messageId(), MessageType.DELAYED_RESPONSE.value(), command.protocolId(),
                command.token()).encode();
    }

    @Override
    public String toString() {
        return String.format("protocol 0x%02x message 0x%02x type %d token %d", protocolId, messageId, type, token);
    }
}
