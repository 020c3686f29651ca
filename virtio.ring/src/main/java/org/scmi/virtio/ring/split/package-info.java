/**
 * The split-ring engine (virtio 1.2/1.3 section 2.7): the code that parses what guests write into
 * their rings. Private to this bundle and reached only through the
 * {@link org.scmi.virtio.ring.VirtqueueFactory} service it registers, so that an update of the
 * bundle brings a new engine that devices move their running queues to, while the API packages,
 * which every importer stays wired to, keep their classes.
 */
package org.scmi.virtio.ring.split;
