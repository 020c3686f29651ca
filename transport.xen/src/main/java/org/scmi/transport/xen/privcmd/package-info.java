/**
 * The hypervisor port on a real Xen domain through FFM calls on {@code /dev/xen/privcmd}
 * (dm_op, MMAP_RESOURCE for the ioreq page, MMAPBATCH_V2 for guest frames, IRQFD, IOEVENTFD),
 * {@code /dev/xen/evtchn}, {@code /dev/xen/gntdev} and XenStore (xenstored's socket or
 * {@code /dev/xen/xenbus}).
 *
 * <p>What a stock system gives (seen on Xen 4.20 arm64 with Debian 6.12 kernels): every ioreq is
 * handled in userspace, interrupts go through {@code XEN_DMOP_set_irq_level}, and guests without
 * the grant-DMA frontend use guest-physical addresses, so foreign mapping must work; the first
 * ioreq a new server receives is an INVALIDATE that must be completed. Grants and the eventfd
 * fast paths are used when the kernels have them (absence is detected by ENOTTY/EOPNOTSUPP and
 * the plain path kept). The hypervisor must be built with CONFIG_IOREQ_SERVER (on Arm it needs
 * CONFIG_EXPERT), else every dm_op fails with ENOSYS.
 *
 * <p>The ioctl wrappers use the shared {@code org.scmi.linux.Linux} calls; nothing here
 * declares its own native function.
 */
package org.scmi.transport.xen.privcmd;
