/**
 * Administration of the running server through the Gogo shell, scope {@code scmi}: guests and
 * their sessions, protocols with statistics and live tracing (both {@link org.scmi.api.MessageObserver}
 * whiteboard services on the request path, lock-free), configuration and log levels through
 * ConfigAdmin and metatype, and the admin socket that serves the shell to a server without a
 * terminal.
 */
package org.scmi.launcher.admin;
