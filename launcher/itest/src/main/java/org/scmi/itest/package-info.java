/** Integration tests that run inside a Felix framework with the server's real bundles. */
package org.scmi.itest;
