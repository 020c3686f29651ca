/**
 * The pin controller driver service a board vendor implements for the Pin control protocol (0x19),
 * and the listener through which the protocol learns of changes it did not make.
 *
 * <p><b>What a driver describes.</b> A {@link org.scmi.api.pinctrl.PinController}: pins, each with
 * the configuration types it has ({@link org.scmi.api.pinctrl.PinConfigTypes}: bias, drive mode and
 * strength, input and output buffers and levels, debounce, slew rate, OEM types...) and the values
 * each accepts; groups of pins; functions, each with the groups it can be selected on. Linux uses
 * the names in its device tree: a state node's {@code groups} and {@code function} properties and
 * its generic pin configuration properties ({@code bias-pull-up}, {@code drive-strength}) must
 * name groups, functions and types of the controller.
 *
 * <p><b>Numbering.</b> Every {@link org.scmi.api.pinctrl.PinControlDriver} service carries a
 * {@link org.scmi.api.pinctrl.PinControlDriver#DRIVER_KEY} property. The protocol lists the pins of
 * all present drivers as one list, and so the groups and the functions: drivers in ascending order
 * of their key (string order), within a driver in the order its controller lists them. Ids are the
 * positions in those lists, 0..N-1, so the same drivers with the same configuration give the same
 * ids after any restart or update. A driver without a key sorts after all keyed ones, by service id
 * (not stable across restarts). Groups name pins, and functions name groups, of their own driver.
 *
 * <p><b>Threads.</b> Driver calls may block (a slow bus to an I/O expander); the protocol makes them
 * from the thread of the command. Listener calls may come from any thread and never block.
 */
@Export
@Version("1.0.0")
package org.scmi.api.pinctrl;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
