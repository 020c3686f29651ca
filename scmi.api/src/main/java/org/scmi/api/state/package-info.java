/**
 * State that outlives the bundles handling it: what an agent set up (notification subscriptions,
 * rates and states it requested, negotiated versions) is kept by the platform's long-lived core,
 * not by protocol bundles, so that a protocol bundle can be updated, stopped and started without a
 * guest losing anything it set up.
 */
@Export
@Version("1.0.0")
package org.scmi.api.state;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
