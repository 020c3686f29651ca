/**
 * The hot-swap guarantee, in a real framework: guests connected over vhost-user keep sending while
 * protocol and driver bundles are updated, stopped and started, and refreshed under them; no
 * request fails or is lost, subscriptions keep delivering, settings and agent ids stay. Also the
 * swap benchmark, and the upgrade, downgrade and broken-bundle cases with fixture bundles built
 * by the tests.
 */
package org.scmi.itest.live;
