/**
 * The contract between a transport (vhost-user, Xen) and a virtio device. The device
 * registers a {@link org.scmi.virtio.device.VirtioDevice} service; a transport opens one
 * {@link org.scmi.virtio.device.VirtioDeviceSession} per guest device, gives it the guest's memory
 * and queues, forwards the guest's queue notifications, and delivers the device's interrupts. Device types are named by
 * {@link org.scmi.virtio.device.VirtioDeviceIds}.
 *
 * <p>2.2 added {@link org.scmi.virtio.device.GuestTransport#resumeLater}: a device that serves a
 * busy queue in turns asks its transport to come back to it.
 */
@Export
@Version("2.2.0")
package org.scmi.virtio.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
