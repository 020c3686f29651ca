/**
 * The hypervisor port: device-model operations on a guest (IOREQ server, SPI level), event
 * channels, grant and foreign mappings, XenStore, and the optional kernel fast paths (irqfd,
 * ioeventfd). No virtio knowledge. The real implementation is chosen when
 * {@code /dev/xen/privcmd} exists; the simulated one runs anywhere.
 */
package org.scmi.transport.xen.port;
