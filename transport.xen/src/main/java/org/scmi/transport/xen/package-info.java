/**
 * The Xen transport bundle: serves the virtio-scmi device to Xen guests directly from the domain
 * this server runs in (dom0 or a driver domain), with no QEMU and no vhost-user relay.
 *
 * <p>Shape (one package per concept, each hop a small interface):
 * <ul>
 * <li>{@code hypervisor} (exported API): what a backend needs from Xen ({@code XenHypervisor});
 * the transport serves the guests of every one registered as a service: the real one over
 * {@code /dev/xen} ({@code privcmd}) on a Xen host, a simulated one from the
 * {@code transport.xen.sim} bundle;</li>
 * <li>{@code abi} (exported): every ioctl number and shared struct layout, and the virtio-mmio
 * register map, in one place, pinned by tests;</li>
 * <li>{@code xenstore} (exported): the XenStore wire protocol and client (socket or xenbus
 * device);</li>
 * <li>{@code mmio}: the virtio-mmio version 2 register machine driving the shared
 * {@code VirtioDeviceSession};</li>
 * <li>{@code memory}: guest memory through grants or foreign mappings, for the shared rings;</li>
 * <li>{@code backend}: per-guest IOREQ serving, the devices' queue workers, XenStore discovery
 * and the static dom0less list.</li>
 * </ul>
 *
 * <p>Threads: one "xen-ioreq-dom&lt;N&gt;" thread per guest answers its vCPUs' trapped register
 * accesses and never runs a command: a QueueNotify is answered at once and wakes the device's
 * "xen-queues-&lt;device&gt;" worker, which runs the queue's work (the kernel's ioeventfd, where
 * present, wakes the same worker). XenStore watch callbacks run on the XenStore client's
 * callback thread; a device may complete requests from its own threads and raises the guest's
 * interrupt from there ({@code set_irq_level} or an irqfd write).
 */
package org.scmi.transport.xen;
