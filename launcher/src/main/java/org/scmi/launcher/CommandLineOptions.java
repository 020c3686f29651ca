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
    /** A folder: host a simulated Xen there for a server in another process (with {@value #XEN_SIM_GUESTS} guests). */
    static final String XEN_SIM_HOST = "scmi.xen.sim.host";
    /** The devices socket of a simulated Xen hosted by another process: serve its guests. */
    static final String XEN_SIM_ATTACH = "scmi.xen.sim.attach";
    /** "true": stopping the server removes the Xen guests' devices instead of handing them over. */
    static final String XEN_REMOVE_ON_STOP = "scmi.xen.remove.on.stop";

    /** Factory PID of one vhost-user guest; the configuration name is the guest's position. */
    static final String VHOST_USER_GUEST_FACTORY_PID = "org.scmi.transport.vhostuser.guest";
    static final String LOGGING_PID = "org.scmi.logging";
    /** The simulated hypervisor's configuration (factory PID of bundle transport.xen.sim), named after the option. */
    static final String XEN_SIM_CONFIGURATION = "org.scmi.transport.xen.sim~xen-sim";
    /** A simulated Xen hosted for another process (bundle transport.xen.sim). */
    static final String XEN_SIM_HOST_CONFIGURATION = "org.scmi.transport.xen.sim.host~xen-sim-host";
    /** A simulated Xen of another process, attached (bundle transport.xen.sim). */
    static final String XEN_SIM_ATTACH_CONFIGURATION = "org.scmi.transport.xen.sim.remote~xen-sim-attach";
    static final String XEN_TRANSPORT_PID = "org.scmi.transport.xen";

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
        String xenHost = frameworkProperty.apply(XEN_SIM_HOST);
        if (xenHost != null && !xenHost.isBlank()) {
            Dictionary<String, Object> host = new Hashtable<>();
            host.put("folder", xenHost.trim());
            host.put("guests", xenGuests == null || xenGuests.isBlank() ? "1" : xenGuests.trim());
            configurations.put(XEN_SIM_HOST_CONFIGURATION, host);
        } else if (xenGuests != null && !xenGuests.isBlank()) {
            Dictionary<String, Object> xen = new Hashtable<>();
            xen.put("guests", xenGuests.trim());
            String rate = frameworkProperty.apply(XEN_SIM_RATE);
            if (rate != null && !rate.isBlank()) {
                xen.put("commands.per.second", rate.trim());
            }
            configurations.put(XEN_SIM_CONFIGURATION, xen);
        }
        String xenAttach = frameworkProperty.apply(XEN_SIM_ATTACH);
        if (xenAttach != null && !xenAttach.isBlank()) {
            Dictionary<String, Object> attach = new Hashtable<>();
            attach.put("devices.socket", xenAttach.trim());
            configurations.put(XEN_SIM_ATTACH_CONFIGURATION, attach);
        }
        if (Boolean.parseBoolean(frameworkProperty.apply(XEN_REMOVE_ON_STOP))) {
            Dictionary<String, Object> transport = new Hashtable<>();
            transport.put("remove.devices.on.stop", Boolean.TRUE);
            configurations.put(XEN_TRANSPORT_PID, transport);
        }
        return new CommandLineOptions(configurations);
    }
}
