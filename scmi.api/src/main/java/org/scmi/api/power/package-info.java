/**
 * The power domain driver service a board vendor implements, and the listener through which the
 * Power domain management protocol (0x11) learns of changes it did not make.
 *
 * <p><b>Numbering.</b> Every {@link org.scmi.api.power.PowerDomainDriver} service carries a
 * {@link org.scmi.api.power.PowerDomainDriver#DRIVER_KEY} property. The protocol lists the domains of
 * all present drivers as one list: drivers in ascending order of their key (string order), and
 * within a driver its domains in the order {@link org.scmi.api.power.PowerDomainDriver#domains()}
 * returns them. Domain ids are the positions in that list, 0..N-1. The same drivers with the same
 * configuration therefore give the same ids after any restart or update, whatever order they
 * start in; a driver whose domains should come first takes a key that sorts first. A driver
 * without a key sorts after all keyed ones, by service id (not stable across restarts). Domain
 * keys are unique within a driver and name a domain for as long as the configuration says so:
 * the protocol keys per-agent settings and subscriptions by driver key and domain key.
 *
 * <p><b>Ids agents see.</b> The board's ids above are what profiles and administrators see; each
 * agent sees the domains its profile lists, numbered in the profile's order (see
 * {@code org.scmi.api.AgentView}).
 *
 * <p><b>Threads.</b> Driver calls may block (a slow power switch); the protocol makes them from the
 * thread of the command, or from a virtual thread of its own for an asynchronous set. Listener
 * calls may come from any thread and never block.
 */
@Export
@Version("1.1.0")
package org.scmi.api.power;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
