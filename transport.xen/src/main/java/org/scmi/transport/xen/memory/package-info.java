/**
 * Guest memory on Xen for the shared rings: grant-encoded addresses (bit 63) through gntdev maps,
 * guest-physical ones through privcmd foreign maps.
 *
 * <p><b>Grant map, then copy.</b> For SCMI's small messages (tens to a few hundred bytes)
 * grant-copy is the cheaper and safer primitive: one {@code IOCTL_GNTDEV_GRANT_COPY} per direction,
 * no mmap/munmap, no TLB shootdown on unmap, and nothing ever left mapped, whereas a map costs a
 * MAP_GRANT_REF, an mmap that performs the hypervisor map, and a munmap plus UNMAP_GRANT_REF
 * afterwards. The ring engine, shared with vhost-user, resolves each buffer of a chain once through
 * {@code GuestMemory.resolve()} when it takes the chain, and calls {@code GuestMemory.chainComplete()}
 * with the chain's ranges just before it publishes the chain's used entry: that named call is the
 * write-back point. So buffers are mapped through the hypervisor port and handed to the ring code
 * as copies: a device-readable buffer is copied and unmapped when its chain is taken; a
 * device-writable one is copied in and stays mapped until its chain completes, which writes the
 * device's bytes back and unmaps it before the used element is written. What grant-copy
 * guarantees for free, that the guest never finds its grant still mapped when it frees the buffer
 * (Linux then marks the whole device broken), holds, and nothing depends on when the ring code
 * happens to look its rings up (it keeps them from the queue's start). The same maps and copies
 * could later become grant-copy ioctls without changing anything above {@code GrantBuffer}. No
 * timing comparison of the two primitives is made in the simulated hypervisor: it would measure
 * mmap of a memfd, not Xen's grant operations.
 *
 * <p><b>Why copies, and no arena per buffer.</b> A mapping whose segments the ring code holds
 * must not be unmapped while a segment of it is in use. Handing out each buffer mapping through
 * its own shared arena, closed before the unmap, guards that, but closing a shared arena makes the
 * JVM handshake every thread (35 to 60 µs here), and doing it per buffer made a grant round trip
 * about 17 times slower than foreign mapping (108 against 6.4 µs at the median). Handing out the
 * mappings' own segments (global scope) and unmapping them at chain completion would be safe only
 * as long as no code kept a segment past it, which nothing enforces. Confined arenas do not fit
 * either: the cmdq is served on the ioreq thread or an ioeventfd thread, the eventq on whichever
 * protocol thread sends an event. Copies make that whole question moot: segments of buffers are
 * garbage-collected memory, so a late access can neither fault nor reach the guest, and the only
 * segments over mappings the ring code sees are the rings' and the foreign frames'.
 *
 * <p>Rings and foreign mappings are handed out through shared arenas ({@code MappedPages}): they
 * are released once per queue stop, cache eviction or map-cache invalidation, possibly while
 * another thread holds one of their segments, and a late access then fails with an exception
 * instead of reaching unmapped memory. A foreign mapping a chain in flight resolved a buffer in is
 * held: eviction and invalidation release it only once the chain completes or its queue stops.
 */
package org.scmi.transport.xen.memory;
