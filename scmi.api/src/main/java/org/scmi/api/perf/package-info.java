/**
 * The performance domain driver service a board vendor implements, and the listener through which
 * the Performance domain management protocol (0x13) learns of changes it did not make.
 *
 * <p><b>Numbering.</b> Every {@link org.scmi.api.perf.PerfDriver} service carries a
 * {@link org.scmi.api.perf.PerfDriver#DRIVER_KEY} property. The protocol lists the domains of all
 * present drivers as one list: drivers in ascending order of their key (string order), and within a
 * driver its domains in the order {@link org.scmi.api.perf.PerfDriver#domains()} returns them.
 * Domain ids are the positions in that list, 0..N-1, so the same drivers with the same
 * configuration give the same ids after any restart or update. A driver without a key sorts after
 * all keyed ones, by service id (not stable across restarts). Domain keys are unique within a driver.
 *
 * <p><b>Sharing a domain between agents.</b> Several agents (guests) may share one domain. Each
 * agent may ask for a level (PERFORMANCE_LEVEL_SET) and set limits (PERFORMANCE_LIMITS_SET); the
 * platform has limits of its own ({@link org.scmi.api.perf.PerfDriver#limits}). The rule:
 * <ul>
 * <li>An agent's limits bound its own requests only, never another agent's: one guest cannot
 * throttle or boost another. What an agent reads back from PERFORMANCE_LIMITS_GET is its own limits
 * within the platform's.</li>
 * <li>An agent's request counts at its level moved into its limits and the platform's; an agent
 * that set limits but asked for no level counts at the lowest level of its limits.</li>
 * <li><b>The level in effect is the highest request that counts</b>, always within the platform's
 * limits. With no request at all, the domain keeps the level it had before the first request (or
 * the one the platform chose since).</li>
 * <li>PERFORMANCE_LEVEL_GET reads the level in effect, the same for every agent.</li>
 * </ul>
 * A request outside the agent's current limits is refused (OUT_OF_RANGE); a request already made
 * moves with the limits when they change later. BASE_RESET_AGENT_CONFIGURATION withdraws the agent's
 * request and limits.
 *
 * <p><b>Threads.</b> Driver calls may block for a level's latency; the protocol makes them from the
 * thread of the command, or from the driver's own thread when the driver reports new platform
 * limits (the level is moved into them before the report returns). Listener calls may come from
 * any thread.
 */
@Export
@Version("1.0.0")
package org.scmi.api.perf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
