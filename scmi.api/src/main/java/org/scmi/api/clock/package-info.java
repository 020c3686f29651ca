/**
 * The clock driver service a board vendor implements, and the listener through which the Clock
 * management protocol (0x14) learns of rate changes it did not make.
 *
 * <p><b>Numbering.</b> Every {@link org.scmi.api.clock.ClockDriver} service carries a
 * {@link org.scmi.api.clock.ClockDriver#DRIVER_KEY} property. The protocol lists the clocks of all
 * present drivers as one list: drivers in ascending order of their key (string order), and within
 * a driver its clocks in the order {@link org.scmi.api.clock.ClockDriver#clocks()} returns them.
 * Clock ids are the positions in that list, 0..N-1, so the same drivers with the same
 * configuration give the same ids after any restart or update, whatever order they start in. A
 * driver without a key sorts after all keyed ones, by service id (not stable across restarts).
 * Clock keys are unique within a driver; parents are named by key and belong to the same driver.
 *
 * <p><b>Names.</b> Linux registers SCMI clocks in one name space with every other clock of the
 * guest: the protocol requires names unique across all drivers and hides a later clock whose
 * name repeats an earlier one (logged).
 *
 * <p><b>Threads.</b> Driver calls may block (a PLL that takes time to lock); the protocol makes
 * them from the thread of the command, or from a virtual thread of its own for an asynchronous
 * rate change. Listener calls may come from any thread and never block.
 */
@Export
@Version("1.0.0")
package org.scmi.api.clock;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
