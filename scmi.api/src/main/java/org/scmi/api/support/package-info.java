/**
 * Helpers protocol bundles share: binding drivers and waiting for one during a live update,
 * merging drivers' resources into one stable id list, the reference to the agent directory,
 * per-agent subscriptions kept in the {@link org.scmi.api.state.AgentStateStore}, the answer to
 * DESCRIBE_FASTCHANNEL where there are no fast channels.
 *
 * <p>These are plain classes that each protocol instantiates for itself. They are loaded from the
 * API bundle, which is never updated together with a protocol bundle; none of them is registered as
 * a service or holds anything beyond the protocol instance that created it, so a protocol bundle
 * can still be updated, stopped or refreshed on its own.
 */
@Export
@Version("1.2.0")
package org.scmi.api.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
