/**
 * The voltage driver service a board vendor implements for the Voltage domain management protocol
 * (0x17), and the listener through which the protocol learns of changes it did not make.
 *
 * <p><b>Numbering.</b> As for clocks and power domains: the domains of every present
 * {@link org.scmi.api.voltage.VoltageDriver} form one list, drivers in ascending order of their
 * {@link org.scmi.api.voltage.VoltageDriver#DRIVER_KEY}, each driver's domains in its own order;
 * domain ids are the positions, and per-agent state is kept under driver key and domain key.
 *
 * <p><b>Sharing.</b> Several agents may use one supply. It is on while any agent votes it on
 * (VOLTAGE_CONFIG_SET), and runs at the highest level any agent asked for (VOLTAGE_LEVEL_SET): a
 * shared supply must satisfy its most demanding consumer, the rule Linux's regulator core applies
 * between its own consumers. With no votes the supply keeps what it had before the first one. An
 * agent reads back its own on/off vote, so a guest that switched a supply off sees it off while
 * another guest keeps it on; it reads the level the supply actually runs at, which is what its
 * devices get. A change the platform makes itself (the listener) overrides every vote.
 *
 * <p><b>Threads.</b> Driver calls may block (a supply ramping); the protocol makes them from the
 * thread of the command, or from a virtual thread of its own for an asynchronous level change.
 * Listener calls may come from any thread and never block.
 */
@Export
@Version("1.0.0")
package org.scmi.api.voltage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
