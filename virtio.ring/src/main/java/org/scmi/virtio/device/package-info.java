/**
 * The contract between a transport (vhost-user, Xen) and a virtio device. The device
 * registers a {@link org.scmi.virtio.device.VirtioDevice} service; a transport opens one
 * {@link org.scmi.virtio.device.VirtioDeviceSession} per guest device, gives it the guest's memory
 * and queues, forwards the guest's queue notifications, and delivers the device's interrupts. Device types are named by
 * {@link org.scmi.virtio.device.VirtioDeviceIds}. A guest is identified by its transport
 * ({@link org.scmi.virtio.device.GuestIdentity}); a device may refuse a guest its configuration has
 * no place for ({@link org.scmi.virtio.device.GuestRefusedException}).
 *
 * <p>2.1 added where a transport records the chains in flight ({@code QueueSetup.inflight}); 2.2
 * {@link org.scmi.virtio.device.GuestTransport#resumeLater}: a device that serves a busy queue in
 * turns asks its transport to come back to it; 2.3 the guest's VM UUID, whether a closed session
 * means the guest is gone for good, and a session's end that is not the guest's
 * ({@code VirtioDeviceSession.detach}: the server stops).
 */
@Export
@Version("2.3.0")
package org.scmi.virtio.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
