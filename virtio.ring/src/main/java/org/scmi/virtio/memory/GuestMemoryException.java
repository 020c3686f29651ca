package org.scmi.virtio.memory;

/** A guest gave an address range that is not (entirely) its memory: a guest error, never fatal. */
public class GuestMemoryException extends Exception {
    private static final long serialVersionUID = 1L;

    public GuestMemoryException(String message) {
        super(message);
    }
}
