/**
 * Guest memory as the device sees it: the one bounds-checked access path to a guest's RAM. Every
 * address a guest gives (ring addresses, descriptor buffers) is resolved here, and nothing outside
 * the guest's regions can be reached through it. {@link org.scmi.virtio.memory.GuestMemory} also
 * states when a device's bytes must be in the guest's memory: before a chain is returned
 * ({@code chainComplete}), which is where transports that copy buffers (Xen grants) write them back.
 */
@Export
@Version("2.0.0")
package org.scmi.virtio.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
