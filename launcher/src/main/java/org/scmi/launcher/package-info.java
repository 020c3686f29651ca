/**
 * Start-up of the SCMI server inside the framework: turns the command line (framework properties
 * set by the {@code scmi-server} script) and an optional configuration file into ConfigAdmin
 * configurations, installs the bundles the command line adds to the runnable JAR's (the simulated
 * hypervisor of {@code --xen-sim}), and applies log levels live.
 */
package org.scmi.launcher;
