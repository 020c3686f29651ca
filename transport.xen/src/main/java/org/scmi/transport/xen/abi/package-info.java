/**
 * The binary interfaces of the Xen path, as both sides of each one use them: ioctl numbers of
 * privcmd, evtchn and gntdev, the dm_op, ioreq and gntdev structs as FFM layouts, the ioreq slot
 * protocol, grant-encoded DMA addresses, the Arm guest memory map and xenbus states
 * ({@code XenAbi}, {@code IoreqSlot}), and the virtio-mmio version 2 register map the guest's
 * driver sees ({@code VirtioMmio}). Values are identical on x86_64 and arm64 (checked by compiling
 * the headers for both); the tests pin every number and offset.
 */
@Export
@Version("1.0.0")
package org.scmi.transport.xen.abi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
