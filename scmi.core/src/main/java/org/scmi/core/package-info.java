/**
 * The virtio-scmi device (virtio device 32): one session per guest with its cmdq and eventq, the
 * dispatcher that routes each command to the SCMI protocol service registered for its protocol
 * id, and the directory of agents (one per guest, stable across reconnects).
 *
 * <p>Threads: a transport's kick thread answers cmdq commands inline; events are delivered under
 * the eventq's lock by whichever thread sends them or kicks the eventq. Details at
 * {@link org.scmi.core.ScmiDeviceSession}.
 *
 * <p>Live updates: this bundle is the long-lived core, the one part of the server that is never
 * updated under running guests; the rings ({@code virtio.ring}), the system calls
 * ({@code linux.syscalls}), transports, protocols and drivers live in bundles of their own. The
 * virtqueue engine is a service of the ring bundle that the device binds dynamically: when that
 * bundle is updated, each running queue moves to the new engine between two chains, carrying its
 * ring position (see {@link org.scmi.core.VirtqueueEngines}). It
 * keeps what must outlive all of them: agents and their ids, negotiated versions, and the {@code AgentStateStore}
 * ({@link org.scmi.core.AgentStates}) where protocols keep what agents set up, in memory or,
 * when configured, also in a state file that outlives the server process. A command
 * for a protocol that is being replaced waits for it up to the configured grace period, and a
 * command that failed because its protocol left under it is answered by the replacement, so no
 * guest sees a failure or a double answer (see {@link org.scmi.core.ScmiDispatcher}). For
 * administration it lists guests with their counters ({@link org.scmi.core.admin.GuestSessions})
 * and shows every answered command to {@code MessageObserver} services.
 */
package org.scmi.core;
