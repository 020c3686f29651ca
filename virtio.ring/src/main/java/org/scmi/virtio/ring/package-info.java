/**
 * The virtqueue engine: split virtqueues (virtio 1.2/1.3 section 2.7) read and written through
 * the bounds-checked {@link org.scmi.virtio.memory.GuestMemory}. It knows no transport and no
 * device type: a device takes descriptor chains from a {@link org.scmi.virtio.ring.Virtqueue},
 * reads and writes their buffers, returns them as used and asks the queue whether the guest wants
 * an interrupt.
 *
 * <p>Every malformed ring or chain is a {@link org.scmi.virtio.ring.VirtqueueException}: the
 * guest's error, reported with its reason, never an access outside the guest's memory, a loop or
 * a crash.
 */
@Export
@Version("1.1.0")
package org.scmi.virtio.ring;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
