/**
 * The SCMI contracts every other bundle speaks: the message header codec, status codes, the
 * protocol service that protocol bundles register on the whiteboard, and the agent a request
 * comes from with its {@link org.scmi.api.AgentView view}: what the agent's profile lets it see.
 *
 * <p>Versions: 1.2 let a {@link org.scmi.api.Reply} be written in place, into the buffer of the
 * caller's choosing; 1.3 added agent views ({@code Agent.view()}, {@code Agent.trusted()},
 * {@code AgentView}, {@code ResourceKind}, {@code ResourceSelection}) and the board's resources and
 * votes for profiles and administration ({@code ScmiProtocol.resources()}, {@code ScmiProtocol.votes()}), and
 * the "reset permissions" flag of BASE_RESET_AGENT_CONFIGURATION for protocols
 * ({@code ScmiProtocol.resetAgent(int, boolean)}); 1.4 lets the platform hand a
 * {@link org.scmi.api.MessageHandler} a command by its parts, so that a handler can serve it
 * without the platform allocating a request.
 *
 * <p>Wire values are little-endian 32-bit words (SCMI v3.2, DEN0056E). Readers and writers in
 * this package are the only place request and reply bytes are decoded and encoded.
 */
@Export
@Version("1.4.0")
package org.scmi.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
