/**
 * Helpers protocol bundles share: binding drivers and waiting for one during a live update,
 * merging drivers' resources into one stable list, each agent's view of that list, notifications
 * to exactly the agents that see a resource, the reference to the agent directory, per-agent
 * subscriptions, settings and votes for shared settings kept in the
 * {@link org.scmi.api.state.AgentStateStore} with a lock per resource, multi-part lists, and the
 * answer to DESCRIBE_FASTCHANNEL where there are no fast channels.
 *
 * <p><b>Agent views: the one place a protocol numbers resources for an agent.</b> A protocol keeps
 * each kind of its resources as a {@link org.scmi.support.NumberedResources} snapshot (one per
 * {@link org.scmi.api.ResourceKind}: pin control keeps three) and never hands a board position to
 * an agent. Every id an agent sends is looked up through
 * {@code resources.seenBy(request.agent()).get(id)} (NOT_FOUND for an id the agent does not have,
 * including a hidden resource); every count and list comes from {@code seenBy(agent).count()} and
 * {@code entries()}; every notification goes through {@link
 * org.scmi.support.ResourceNotifications}, which builds the payload around the id the receiving
 * agent knows the resource by ({@link org.scmi.support.AgentResources#idOf}) and sends nothing to
 * an agent that does not see it. An agent's view comes from its profile ({@code Agent.view()}):
 * the resources of each kind in the order the profile lists them, or every resource in the
 * board's order; a name that matches nothing selects nothing, so a mistake hides a resource rather
 * than showing one. Views are built once per snapshot and profile and cached with the snapshot: a
 * command costs one array lookup more than with board ids. For profiles to be checked and for
 * administration, a protocol also returns {@code boardResources()} and each agent's
 * {@code seenBy(agent).boardResources()} from {@code ScmiProtocol.resources()}.
 *
 * <p>Not an API: no bundle imports this package. Each protocol bundle embeds the classes it uses
 * (bnd {@code -conditionalpackage: org.scmi.support.*}), so it runs the helper version it was
 * built and tested with, a change here never forces an update of the bundle everything depends
 * on, and a protocol bundle can still be updated, stopped or refreshed on its own. None of these
 * classes is registered as a service or holds anything beyond the protocol instance that created
 * it.
 */
package org.scmi.support;
