/**
 * What a virtio-mmio backend needs from Xen, and nothing about virtio: device-model operations on
 * a guest (IOREQ server, SPI level), event channels, grant and foreign mappings, XenStore, and the
 * optional kernel fast paths (irqfd, ioeventfd).
 *
 * <p>The Xen transport serves the guests of every {@link org.scmi.transport.xen.hypervisor.XenHypervisor}
 * it finds: the one over {@code /dev/xen} that this bundle registers when {@code /dev/xen/privcmd}
 * exists, and any other registered as a service (the simulated hypervisor of
 * {@code transport.xen.sim}).
 *
 * <p>What outlives the device model's process: IOREQ servers belong to the domain that created
 * them (a new process of that domain takes one over with {@code openIoreqServer}), and the
 * {@code stateDirectory} holds the records it needs to do so.
 */
@Export
@Version("1.1.0")
package org.scmi.transport.xen.hypervisor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
