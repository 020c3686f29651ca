/**
 * The reset driver service a board vendor implements for the Reset domain management protocol
 * (0x16), and the listener through which the protocol learns of resets it did not ask for.
 *
 * <p><b>Numbering.</b> As for clocks and power domains: the domains of every present
 * {@link org.scmi.api.reset.ResetDriver} form one list, drivers in ascending order of their
 * {@link org.scmi.api.reset.ResetDriver#DRIVER_KEY} (string order, drivers without a key last by
 * service id), each driver's domains in its own order; domain ids are the positions. Per-agent
 * state is kept under driver key and domain key, so ids and settings survive restarts and updates.
 *
 * <p><b>Sharing.</b> A reset line several agents use is asserted while any of them holds it asserted
 * (an explicit assert is a hold until the same agent deasserts); with no holds the line keeps the
 * state it had before the first one. An autonomous reset is carried out at once unless another
 * agent holds the line asserted: the device is in reset already and comes out of it freshly when the
 * last hold ends, so the request succeeds without touching the line.
 *
 * <p><b>Threads.</b> Driver calls may block (a reset takes its latency); the protocol makes them from
 * the thread of the command, or from a virtual thread of its own for an asynchronous reset. Listener
 * calls may come from any thread and never block.
 */
@Export
@Version("1.0.0")
package org.scmi.api.reset;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
