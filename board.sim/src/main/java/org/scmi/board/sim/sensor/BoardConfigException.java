package org.scmi.board.sim.sensor;

/** A simulated board file that cannot be used; the message names the bad value. */
final class BoardConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    BoardConfigException(String message) {
        super(message);
    }

    BoardConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
