package org.scmi.transport.xen.xenstore;

import java.io.IOException;

/** A XenStore request failed: an ERROR reply (with its errno name) or a broken connection. */
public class XenStoreException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String error;

    /**
     * @param error the errno name of an ERROR reply (e.g. {@code ENOENT}), or null if the
     *     connection failed
     */
    public XenStoreException(String message, String error) {
        super(error == null ? message : message + ": " + error);
        this.error = error;
    }

    public XenStoreException(String message, Throwable cause) {
        super(message, cause);
        this.error = null;
    }

    /** The errno name the store answered with, or null. */
    public String error() {
        return error;
    }

    public boolean is(String errorName) {
        return errorName.equals(error);
    }
}
