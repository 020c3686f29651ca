package org.scmi.transport.xen.sim.service;

import org.scmi.transport.xen.sim.guest.SteadyLoad;

/**
 * What one simulated guest is doing.
 *
 * @param domid its domain id
 * @param state "created" until its device is up, then "listening" (notifications only), "sending
 *        N/s" (a steady load) or "stopped: " and why
 * @param load what its steady load has done (all zero without one)
 */
record SimGuestStatus(int domid, String state, SteadyLoad.Counts load) {
}
