/**
 * The guest side, simulated: a virtio-mmio driver as Linux runs it (probe, feature negotiation,
 * queue set-up through the registers, interrupts), split virtqueues laid out and DMA-mapped the
 * way Linux's virtio_ring and grant-DMA code do (rings granted once and writable, each request
 * granted read-only and each response buffer writable, grants ended when the device returns
 * them), and a toolstack doing what {@code xl create -p} / {@code xl destroy} do in XenStore.
 * Main code because {@code mode=sim} runs these guests in the server; the tests use the same
 * classes.
 */
package org.scmi.transport.xen.frontend;
