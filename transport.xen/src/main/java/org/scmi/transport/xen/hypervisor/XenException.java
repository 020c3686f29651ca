package org.scmi.transport.xen.hypervisor;

import java.io.IOException;

/** A hypervisor operation failed, with the errno Linux or Xen gave (0 if none applies). */
public class XenException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public XenException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public XenException(String message, Throwable cause) {
        super(message, cause);
        this.errno = cause instanceof org.scmi.linux.LinuxException e ? e.errno() : 0;
    }

    public int errno() {
        return errno;
    }
}
