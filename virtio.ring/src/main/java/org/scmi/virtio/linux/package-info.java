/**
 * The Linux system calls transports need (memory mapping of shared fds, eventfds, Unix sockets
 * with fd passing, poll, ioctl), called through the Foreign Function &amp; Memory API. One place
 * for every native signature and struct layout, shared by all transports and their tests.
 */
@Export
@Version("1.1.0")
package org.scmi.virtio.linux;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
