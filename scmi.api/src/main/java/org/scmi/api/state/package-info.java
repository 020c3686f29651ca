/**
 * State that outlives the bundles handling it: what an agent set up (notification subscriptions,
 * rates and states it requested, negotiated versions) is kept by the platform's long-lived core,
 * not by protocol bundles, so that a protocol bundle can be updated, stopped and started without a
 * guest losing anything it set up.
 *
 * <p><b>Where each thing lives.</b>
 * <ul>
 * <li>The {@link org.scmi.api.state.AgentStateStore} service is provided by the virtio-scmi device
 * bundle ({@code scmi.core}), the one that also owns agents and their sessions and is never
 * updated together with protocol bundles. It is in memory: it lasts as long as the server runs,
 * like the hardware state it goes with.</li>
 * <li>Per agent (ids 1..255), per protocol: everything the agent set up. Base: its error
 * notification subscription ({@code notify/errors}). Power: subscriptions
 * ({@code notify/state/}, {@code notify/request/} + domain) and its vote for each domain's state
 * ({@code vote/} + domain). Clock: subscriptions ({@code notify/rate/}, {@code notify/request/} +
 * clock), its vote to run or stop a clock ({@code enable/}), the rate and parent it set while it
 * owns them ({@code rate/}, {@code parent/}). Sensor: its settings of each sensor, trip points
 * included ({@code config/} + sensor). Performance: subscriptions ({@code notify/limits/},
 * {@code notify/level/} + domain), the level it asked for ({@code level/}) and its own limits
 * ({@code limits/}). Powercap: subscriptions ({@code notify/cap/}, and {@code notify/measurements/}
 * with the thresholds), the cap it wants ({@code cap/}) and the interval it set while it owns it
 * ({@code pai/}). Resources are named by their stable keys
 * ({@code <driver key>/<resource key>}), never by their SCMI ids.</li>
 * <li>Per protocol under the platform (agent 0): what the protocol needs to undo agents' settings
 * (the state a domain had before the first vote, a clock's rate, parent and running state before
 * any agent changed them; a sensor's last value, for trip points; a performance domain's level before
 * the first request and the platform's limits as last seen; a zone's own cap, the cap it had before
 * the first vote and its interval before any agent), and the simulated board's
 * hardware state under keys starting {@code sim/}.</li>
 * <li>Negotiated protocol versions and agent identities stay in the device bundle itself.</li>
 * <li>Hardware state lives in the drivers (the hardware); the simulated board keeps its own in the
 * store, as real hardware keeps its state while its driver bundle is replaced.</li>
 * </ul>
 * A protocol bundle keeps only caches, locks and threads: a new instance reads everything from the
 * store, and BASE_RESET_AGENT_CONFIGURATION ends with {@link
 * org.scmi.api.state.AgentStateStore#clear} for each protocol.
 */
@Export
@Version("1.0.0")
package org.scmi.api.state;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
