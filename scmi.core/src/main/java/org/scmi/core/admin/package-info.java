/**
 * The SCMI core's view of its guests for administration (shell commands, monitoring): every agent
 * with its connection, profile and counters, the virtqueue engine serving its queues, a way to end
 * a guest's connection, and the agent profiles with their problems.
 *
 * <p>2.0: a guest's session tells its profile and whether the guest is gone for good; profiles
 * ({@link org.scmi.core.admin.ProfileAdministration}) are new.
 */
@Export
@Version("2.0.0")
package org.scmi.core.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
