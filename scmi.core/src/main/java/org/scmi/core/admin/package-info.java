/**
 * The SCMI core's view of its guests for administration (shell commands, monitoring): every agent
 * since start with its connection and counters, the virtqueue engine serving its queues, and a way
 * to end a guest's connection.
 */
@Export
@Version("1.1.0")
package org.scmi.core.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
