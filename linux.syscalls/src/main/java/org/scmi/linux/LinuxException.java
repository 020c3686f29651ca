package org.scmi.linux;

import java.io.IOException;

/** A failed system call, with its errno. */
public class LinuxException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public LinuxException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
