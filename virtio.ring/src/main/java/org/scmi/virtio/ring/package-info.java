/**
 * The virtqueue contract: what a device does with a guest's queues, whatever the ring format. A
 * device opens its queues through the {@link org.scmi.virtio.ring.VirtqueueFactory} service, takes
 * descriptor chains from a {@link org.scmi.virtio.ring.Virtqueue}, reads and writes their buffers
 * (in place or by copy), returns them as used and asks the queue whether the guest wants an
 * interrupt. Also the wire facts every ring user shares ({@link org.scmi.virtio.ring.SplitRing},
 * {@link org.scmi.virtio.ring.VirtioFeatures}).
 *
 * <p>The engine itself (split virtqueues, virtio 1.2/1.3 section 2.7, read and written through the
 * bounds-checked {@link org.scmi.virtio.memory.GuestMemory}) is private to this bundle and reached
 * only through the factory service, so it can be updated while guests are connected: this package
 * stays as it is, and devices move their running queues to the new engine
 * ({@link org.scmi.virtio.ring.Virtqueue#position()}).
 *
 * <p>Every malformed ring or chain is a {@link org.scmi.virtio.ring.VirtqueueException}: the
 * guest's error, reported with its reason, never an access outside the guest's memory, a loop or
 * a crash.
 */
@Export
@Version("2.1.0")
package org.scmi.virtio.ring;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
