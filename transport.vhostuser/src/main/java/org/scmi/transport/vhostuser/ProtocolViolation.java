package org.scmi.transport.vhostuser;

/**
 * The front-end sent something this back-end cannot accept (an unknown or malformed message, an
 * address outside its memory, fds that do not match). The connection is closed cleanly after it.
 */
final class ProtocolViolation extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
        super(message);
    }

    ProtocolViolation(String message, Throwable cause) {
        super(message, cause);
    }
}
