package org.scmi.board.sim.file;

/** A simulated board file that cannot be used; the message names the file and the bad value. */
public final class BoardFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public BoardFileException(String message) {
        super(message);
    }

    public BoardFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
