/**
 * The virtio-scmi device (virtio device 32): one session per guest with its cmdq and eventq, the
 * dispatcher that routes each command to the SCMI protocol service registered for its protocol
 * id, and the directory of agents (one per profile or guest, stable across reconnects).
 *
 * <p><b>Agents and profiles.</b> As a guest comes up ({@code VirtioDevice.open}) the
 * {@link org.scmi.core.AgentRegistry} decides which agent it is and what it sees, from the agent
 * profiles ({@link org.scmi.core.AgentProfiles}, factory configurations {@code org.scmi.agent~NAME}):
 * a guest is matched by its name (a vhost-user socket's agent name, a Xen domain's name or static
 * {@code name=}), or by its Xen VM UUID where its profile names one, never by a Xen domain id; a
 * guest with its own profile is that profile's agent whatever socket or domain it comes through.
 * Without any profile every guest is its own agent and sees everything; once profiles exist the
 * platform fails closed: a guest without one is served with the default profile if one is named,
 * else refused with a log line saying which guest and why. The agent's view
 * ({@code Agent.view()}) is read when the guest's driver starts the device; protocols apply it, the
 * dispatcher answers a protocol the view hides as not implemented. A guest gone for good (its
 * transport says so: a destroyed Xen domain; or its profile releases it on disconnect) releases what
 * it held in every protocol, its pending events are dropped, and, without a profile, its agent
 * leaves the directory while its id stays kept for it; ids never run out while fewer than 255
 * agents are configured or connected.
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
