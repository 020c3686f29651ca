/**
 * The power capping driver service a board vendor implements, and the listener through which the
 * Powercap protocol (0x18) learns of caps the platform sets and of power measurements.
 *
 * <p><b>Numbering.</b> As for the other protocols: drivers in ascending order of their
 * {@link org.scmi.api.powercap.PowercapDriver#DRIVER_KEY} property, each driver's zones in its own
 * order; zone ids are the positions in that list. A zone's parent belongs to the same driver and is
 * listed before it (Linux registers parents first and rejects a zone whose parent it does not know).
 *
 * <p><b>Units.</b> Power is in microwatts (the protocol reports the µW unit), averaging intervals
 * in microseconds. Linux skips zones with an abstract power unit, so there are none here.
 *
 * <p><b>Sharing a zone between agents.</b> Each agent may set a cap (POWERCAP_CAP_SET, 0 to
 * withdraw its own); the platform may want a cap of its own
 * ({@link org.scmi.api.powercap.PowercapListener#capChanged}, and the cap the zone enforced before
 * any agent asked). <b>The cap in effect is the lowest of these caps</b>: no agent can lift a cap
 * another agent or the platform needs. POWERCAP_CAP_GET reads the cap in effect (0 when nobody caps
 * the zone), as Linux expects: it reads the cap back after disabling its own to learn whether
 * someone else still caps the zone. The averaging interval is one per zone: the last agent to set
 * it owns it, and resetting that agent puts back the interval from before any agent changed it.
 *
 * <p><b>Performance domains.</b> The specification lets the platform enforce a cap however it
 * likes; a platform typically lowers the performance limits of the domains in the zone, which
 * agents see as PERFORMANCE_LIMITS_CHANGED from the platform. That relation is the driver's
 * business (the simulated board does exactly this); the protocol has no message for it.
 *
 * <p><b>Threads.</b> Driver calls may block while a cap is applied; the protocol makes them from
 * the thread of the command, or from a virtual thread of its own for an asynchronous cap change or
 * after the platform's cap changed. Listener calls may come from any thread and never block.
 */
@Export
@Version("1.0.0")
package org.scmi.api.powercap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
