/**
 * Guest memory on Xen for the shared rings: grant-encoded addresses (bit 63) through gntdev maps,
 * guest-physical ones through privcmd foreign maps.
 *
 * <p><b>Grant map, then copy.</b> For SCMI's small messages (tens to a few hundred bytes)
 * grant-copy is the cheaper and safer primitive: one {@code IOCTL_GNTDEV_GRANT_COPY} per direction,
 * no mmap/munmap, no TLB shootdown on unmap, and nothing ever left mapped, whereas a map costs a
 * MAP_GRANT_REF, an mmap that performs the hypervisor map, and a munmap plus UNMAP_GRANT_REF
 * afterwards. The ring engine, shared with vhost-user, reads and writes buffers through
 * {@code GuestMemory.segment()} and has no write-back call; but it asks for the used ring before it
 * writes every used element, and that request is the write-back point. So buffers are mapped
 * through the hypervisor port and handed to the ring code as copies: a device-readable buffer is
 * copied and unmapped in the call that first asks for it; a device-writable one is copied in and
 * stays mapped until the used-ring request, which writes the device's bytes back and unmaps it
 * before the used element is written. What grant-copy guarantees for free, that the guest never
 * finds its grant still mapped when it frees the buffer (Linux then marks the whole device
 * broken), holds. The same maps and copies could later become grant-copy ioctls without changing
 * anything above {@code GrantBuffer}. No timing comparison of the two primitives is made in the
 * simulated hypervisor: it would measure mmap of a memfd, not Xen's grant operations.
 *
 * <p><b>Why copies, and no arena per buffer.</b> A mapping whose segments the ring code holds
 * must not be unmapped while a segment of it is in use. Handing out each buffer mapping through
 * its own shared arena, closed before the unmap, guards that, but closing a shared arena makes the
 * JVM handshake every thread (35 to 60 µs here), and doing it per buffer made a grant round trip
 * about 17 times slower than foreign mapping (108 against 6.4 µs at the median). Handing out the mappings' own segments (global
 * scope) would need the ring code never to hold a buffer segment across another
 * {@code segment()} call, and it does hold one: {@code SplitQueue} walks an indirect table through
 * one segment while it checks each entry's buffer, and a guest can name its own used ring as such a
 * buffer, which would return, and so unmap, the table in the middle of the walk. Confined arenas
 * do not fit either: the cmdq is served on the ioreq thread or an ioeventfd thread, the eventq on
 * whichever protocol thread sends an event. Copies make that whole question moot: segments of
 * buffers are garbage-collected memory, so a late access can neither fault nor reach the guest,
 * and the only segments over mappings the ring code sees are the rings' and the foreign frames'.
 *
 * <p>Rings and foreign mappings are handed out through shared arenas ({@code MappedPages}): they
 * are released once per queue stop, cache eviction or map-cache invalidation, possibly while
 * another thread holds one of their segments, and a late access then fails with an exception
 * instead of reaching unmapped memory.
 */
package org.scmi.transport.xen.memory;
