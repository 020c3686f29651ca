/**
 * Serving guests: one IOREQ server and event-channel handle per guest domain, one register range
 * and {@code VirtioMmioDevice} per device, found by watching XenStore
 * ({@code /local/domain/<backend>/backend/virtio}, libxl's layout, with the xenbus state
 * handshake Initialising → InitWait → Connected and Closing → Closed) or listed statically for
 * dom0less guests. Both paths end in {@code XenBackend.serve}.
 *
 * <p><b>Who a guest is.</b> A guest is named by its domain's name ({@code /local/domain/<id>/name};
 * for a static device, its {@code name=}) and carries its VM UUID ({@code /local/domain/<id>/vm},
 * which names {@code /vm/<uuid>}), never its domain id, which changes each time the domain is
 * created: the device's agent profiles match a guest by that name, or by the UUID where a profile
 * names one, so a domain destroyed and created again is the same agent with the same id. A
 * device's session ends only when the device goes away (its domain is destroyed, or libxl removes
 * it): the guest is then gone for good, and the device releases what its agent held. A backend that
 * cannot read the name (a driver domain without the right) names the guest {@code dom<id>} and logs
 * that this identity will not survive a restart.
 */
package org.scmi.transport.xen.backend;
