/**
 * Guest memory on Xen for the shared rings: grant-encoded addresses (bit 63) through gntdev maps,
 * guest-physical ones through privcmd foreign maps.
 *
 * <p><b>Grant map, not grant copy.</b> For SCMI's small messages (tens to a few hundred bytes)
 * grant-copy is the cheaper and safer primitive: one {@code IOCTL_GNTDEV_GRANT_COPY} per direction,
 * no mmap/munmap, no TLB shootdown on unmap, and nothing ever left mapped, whereas a map costs a
 * MAP_GRANT_REF, an mmap that performs the hypervisor map, and a munmap plus UNMAP_GRANT_REF
 * afterwards. This transport maps anyway because of the contract it serves: the ring engine is
 * shared with vhost-user and reads and writes buffers in place through
 * {@code GuestMemory.segment()}. Copying would need a bounce buffer for each writable range and a
 * write-back step before the used entry is published, and the contract has no such call. The
 * price is paid per request (one map and one unmap per buffer); rings are mapped once per started
 * queue. What grant-copy guarantees for free, that the guest never finds its grant still mapped
 * when it frees the buffer (Linux then marks the whole device broken), is kept by releasing
 * buffer mappings before the used ring is written (see {@code XenGuestMemory}). No timing
 * comparison is made in the simulated hypervisor: it would measure mmap of a memfd, not Xen's
 * grant operations. Moving to grant-copy means a write-back hook in the ring contract plus a
 * copying {@code PageMapping}; the rest of this package would stay.
 *
 * <p>Mappings are handed out through shared arenas: a late access after a release fails with an
 * exception instead of reaching unmapped memory.
 */
package org.scmi.transport.xen.memory;
