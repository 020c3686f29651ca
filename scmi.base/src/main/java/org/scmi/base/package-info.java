/**
 * The SCMI Base protocol (0x10, version 2.1 as in SCMI v3.2; agents may negotiate 2.0).
 *
 * <p>Base describes the platform to each agent: vendor, sub-vendor and implementation version
 * from configuration PID {@code org.scmi.base}; the protocols registered on the whiteboard right
 * now that the agent's view allows (Base excluded, ascending, each id once, paged to the agent's
 * buffer); the agents from the {@code AgentDirectory} service, of which an untrusted agent sees only
 * itself (and the platform). BASE_NOTIFY_ERRORS exists only for agents with an event channel.
 * The rules for the permission and reset commands are documented on {@link
 * org.scmi.base.AgentManagement}.
 *
 * <p>Not exported: other bundles reach Base only through the {@code ScmiProtocol} service.
 */
package org.scmi.base;
