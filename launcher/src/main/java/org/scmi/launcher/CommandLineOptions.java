package org.scmi.launcher;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The {@code scmi-server} command line as the framework sees it: the script turns each option
 * into a framework property, and this record turns those into configurations.
 */
record CommandLineOptions(Map<String, Dictionary<String, Object>> configurations) {
    /** Comma-separated vhost-user socket paths, one guest each. */
    static final String SOCKET_PATHS = "scmi.socket.paths";
    /** Root log level. */
    static final String LOG_LEVEL = "scmi.log.level";
    /** Number of simulated Xen guests: configures one simulated hypervisor with that many guests. */
    static final String XEN_SIM_GUESTS = "scmi.xen.sim";
    /** Commands per second each simulated Xen guest sends (a steady mix); absent: none. */
    static final String XEN_SIM_RATE = "scmi.xen.sim.rate";

    /** Factory PID of one vhost-user guest; the configuration name is the guest's position. */
    static final String VHOST_USER_GUEST_FACTORY_PID = "org.scmi.transport.vhostuser.guest";
    static final String LOGGING_PID = "org.scmi.logging";
    /** The simulated hypervisor's configuration (factory PID of bundle transport.xen.sim), named after the option. */
    static final String XEN_SIM_CONFIGURATION = "org.scmi.transport.xen.sim~xen-sim";

    static CommandLineOptions from(UnaryOperator<String> frameworkProperty) {
        Map<String, Dictionary<String, Object>> configurations = new LinkedHashMap<>();
        String sockets = frameworkProperty.apply(SOCKET_PATHS);
        if (sockets != null && !sockets.isBlank()) {
            String[] paths = sockets.split(",");
            for (int i = 0; i < paths.length; i++) {
                Dictionary<String, Object> guest = new Hashtable<>();
                guest.put("socketPath", paths[i]);
                configurations.put(VHOST_USER_GUEST_FACTORY_PID + "~guest" + i, guest);
            }
        }
        String level = frameworkProperty.apply(LOG_LEVEL);
        if (level != null && !level.isBlank()) {
            Dictionary<String, Object> logging = new Hashtable<>();
            logging.put("root", level);
            configurations.put(LOGGING_PID, logging);
        }
        String xenGuests = frameworkProperty.apply(XEN_SIM_GUESTS);
        if (xenGuests != null && !xenGuests.isBlank()) {
            Dictionary<String, Object> xen = new Hashtable<>();
            xen.put("guests", xenGuests.trim());
            String rate = frameworkProperty.apply(XEN_SIM_RATE);
            if (rate != null && !rate.isBlank()) {
                xen.put("commands.per.second", rate.trim());
            }
            configurations.put(XEN_SIM_CONFIGURATION, xen);
        }
        return new CommandLineOptions(configurations);
    }
}
