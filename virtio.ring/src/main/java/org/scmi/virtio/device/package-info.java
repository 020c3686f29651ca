/**
 * The contract between a transport (vhost-user, Xen) and a virtio device. The device
 * registers a {@link org.scmi.virtio.device.VirtioDevice} service; a transport opens one
 * {@link org.scmi.virtio.device.VirtioDeviceSession} per guest device, gives it the guest's memory
 * and queues, forwards the guest's queue notifications, and delivers the device's interrupts. Device types are named by
 * {@link org.scmi.virtio.device.VirtioDeviceIds}.
 */
@Export
@Version("2.1.0")
package org.scmi.virtio.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
