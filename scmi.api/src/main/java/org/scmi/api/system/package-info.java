/**
 * The system power driver service a board vendor implements for the System power management
 * protocol (0x12): which whole-system transitions the board can carry out (shutdown, cold and warm
 * reset, suspend) and carrying them out.
 *
 * <p>The protocol, not the driver, owns the policy: an agent's SYSTEM_POWER_STATE_SET reaches the
 * driver only if the agent is trusted ({@link org.scmi.api.Agent#trusted()}), only after every other
 * subscribed agent was told, and, for a graceful request, only once the graceful timeout has passed.
 * Requests the platform sends to agents (asking guests to shut down or reboot) never reach the
 * driver.
 *
 * <p><b>Threads.</b> {@link org.scmi.api.system.SystemPowerDriver#enter} is called from a virtual
 * thread of the protocol and may block; the other methods are called from the thread of a command
 * and must be quick.
 */
@Export
@Version("1.0.0")
package org.scmi.api.system;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
