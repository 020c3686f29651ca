/**
 * Helpers protocol bundles share: binding drivers and waiting for one during a live update,
 * merging drivers' resources into one stable id list, the reference to the agent directory,
 * per-agent subscriptions, settings and votes for shared settings kept in the
 * {@link org.scmi.api.state.AgentStateStore} with a lock per resource, multi-part lists, the answer
 * to DESCRIBE_FASTCHANNEL where there are no fast channels.
 *
 * <p>Not an API: no bundle imports this package. Each protocol bundle embeds the classes it uses
 * (bnd {@code -conditionalpackage: org.scmi.support.*}), so it runs the helper version it was
 * built and tested with, a change here never forces an update of the bundle everything depends
 * on, and a protocol bundle can still be updated, stopped or refreshed on its own. None of these
 * classes is registered as a service or holds anything beyond the protocol instance that created
 * it.
 */
package org.scmi.support;
