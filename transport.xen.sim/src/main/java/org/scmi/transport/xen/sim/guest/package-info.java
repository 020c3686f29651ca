/**
 * The guest side, simulated: a toolstack doing what {@code xl create -p} / {@code xl destroy} do in
 * XenStore, and guests whose virtio-mmio driver does what Linux's virtio_mmio, virtio core and
 * grant-DMA code do: probe, feature negotiation, queue set-up through the registers, interrupts,
 * and the shared driver-side split rings with their buffers granted to the backend (read-only
 * for requests, writable for responses, grants ended when the device returns them) or given by
 * guest-physical address.
 */
@Export
@Version("1.1.0")
package org.scmi.transport.xen.sim.guest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
