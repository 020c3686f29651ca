package org.scmi.api;

/**
 * A command that cannot succeed: the response carries {@link #status()} and nothing else, as the
 * specification requires for every status other than SUCCESS.
 */
public class ScmiException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ScmiStatus status;

    public ScmiException(ScmiStatus status, String reason) {
        super(reason, null, false, false);
        if (status == ScmiStatus.SUCCESS) {
            throw new IllegalArgumentException("SUCCESS is not an error");
        }
        this.status = status;
    }

    public ScmiStatus status() {
        return status;
    }

    @Override
    public String getMessage() {
        return status + ": " + super.getMessage();
    }
}
