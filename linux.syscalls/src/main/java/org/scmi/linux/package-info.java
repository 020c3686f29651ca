/**
 * The Linux system calls transports need (memory mapping of shared fds, eventfds, Unix sockets
 * with fd passing, Unix datagrams for sd_notify, poll, epoll, ioctl), called through the Foreign Function &amp; Memory API. One place
 * for every native signature and struct layout, shared by all transports, the administration socket and the tests. A bundle of its own, so that
 * adding or fixing a system call never touches the rings or the SCMI core.
 */
@Export
@Version("1.2.0")
package org.scmi.linux;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
