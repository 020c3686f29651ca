/**
 * Serving guests: one IOREQ server and event-channel handle per guest domain, one register range
 * and {@code VirtioMmioDevice} per device, found by watching XenStore
 * ({@code /local/domain/<backend>/backend/virtio}, libxl's layout, with the xenbus state
 * handshake Initialising → InitWait → Connected and Closing → Closed) or listed statically for
 * dom0less guests. Both paths end in {@code XenBackend.serve}.
 */
package org.scmi.transport.xen.backend;
