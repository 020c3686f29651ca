/**
 * Guest memory as the device sees it: the one bounds-checked access path to a guest's RAM. Every
 * address a guest gives (ring addresses, descriptor buffers) is resolved here, and nothing outside
 * the guest's regions can be reached through it.
 */
@Export
@Version("1.0.0")
package org.scmi.virtio.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
