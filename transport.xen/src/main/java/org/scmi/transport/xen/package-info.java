/**
 * The Xen transport bundle: serves the virtio-scmi device to Xen guests directly from the domain
 * this server runs in (dom0 or a driver domain), with no QEMU and no vhost-user relay.
 *
 * <p>Shape (one package per concept, each hop a small interface):
 * <ul>
 * <li>{@code port}: what a backend needs from Xen ({@code XenHypervisor}), implemented over
 * {@code /dev/xen} ({@code privcmd}) and by an in-process simulation ({@code sim});</li>
 * <li>{@code abi}: every ioctl number and shared struct layout, in one class, pinned by tests;</li>
 * <li>{@code xenstore}: the XenStore wire protocol and client (socket or xenbus device);</li>
 * <li>{@code mmio}: the virtio-mmio version 2 register machine driving the shared
 * {@code VirtioDeviceSession};</li>
 * <li>{@code memory}: guest memory through grants or foreign mappings, for the shared rings;</li>
 * <li>{@code backend}: per-guest IOREQ serving, XenStore discovery and the static dom0less list;</li>
 * <li>{@code frontend}: the simulated guest's driver side (used by {@code mode=sim} and tests).</li>
 * </ul>
 *
 * <p>Threads: one "xen-ioreq-dom&lt;N&gt;" thread per guest answers its trapped register accesses
 * and runs the device's queue work that a QueueNotify triggers; XenStore watch callbacks run on
 * the XenStore client's callback thread; a device may complete requests from its own threads
 * and raises the guest's interrupt from there ({@code set_irq_level} or an irqfd write).
 */
package org.scmi.transport.xen;
