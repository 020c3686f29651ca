/**
 * The virtio-mmio version 2 device: register map and state machine (feature negotiation, queue
 * set-up, notifications, interrupt status, reset and DEVICE_NEEDS_RESET), independent of Xen;
 * accesses come in as (offset, size, value), memory and interrupts go out through
 * {@code MmioHost}.
 */
package org.scmi.transport.xen.mmio;
