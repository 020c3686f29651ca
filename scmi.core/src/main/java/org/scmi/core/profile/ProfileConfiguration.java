package org.scmi.core.profile;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The metatype description of one agent profile (factory PID {@value ProfileParser#FACTORY_PID}):
 * what the shell and tools show and check. The profile itself is read by {@link ProfileParser}.
 */
@ObjectClassDefinition(factoryPid = ProfileParser.FACTORY_PID, name = "SCMI agent profile",
        description = "One agent: which guests it is, which protocols it may use and which resources of each it "
                + "sees, numbered in the order listed. One configuration per agent, e.g. org.scmi.agent~ivi. Once "
                + "any profile exists, a guest without one is served only if org.scmi.agents names a default "
                + "profile. Resources are named by their name on the board or by <driver key>/<resource key>; "
                + "[\"*\"] lists every resource of a kind. A changed profile reaches a connected guest when its "
                + "driver next starts the device (a device reset, a driver probe, a reboot) or it reconnects.")
public @interface ProfileConfiguration {

    @AttributeDefinition(name = "Agent name", required = false, description = "Guests with this name get this "
            + "profile: a vhost-user socket's agent name (by default its file name without extension), a Xen "
            + "domain's name (/local/domain/<id>/name), a static Xen device's name=. Default: the configuration's "
            + "name after '~'.")
    String name();

    @AttributeDefinition(name = "Protocols", required = false, description = "Protocols the agent may use "
            + "besides Base, by name (power, system, perf, clock, sensor, reset, voltage, powercap, pinctrl) or id; "
            + "any other is answered as not implemented and left out of Base's list. Default: the protocols whose "
            + "resources the profile lists.")
    String[] protocols();

    @AttributeDefinition(name = "Power domains", required = false, description = "Power domains the agent sees, "
            + "in its numbering.")
    String[] powerDomains();

    @AttributeDefinition(name = "Performance domains", required = false, description = "Performance domains the "
            + "agent sees, in its numbering.")
    String[] performanceDomains();

    @AttributeDefinition(name = "Clocks", required = false, description = "Clocks the agent sees, in its numbering.")
    String[] clocks();

    @AttributeDefinition(name = "Sensors", required = false, description = "Sensors the agent sees, in its "
            + "numbering.")
    String[] sensors();

    @AttributeDefinition(name = "Reset domains", required = false, description = "Reset domains the agent sees, in "
            + "its numbering.")
    String[] resetDomains();

    @AttributeDefinition(name = "Voltage domains", required = false, description = "Voltage domains the agent sees, "
            + "in its numbering.")
    String[] voltageDomains();

    @AttributeDefinition(name = "Powercap domains", required = false, description = "Powercap domains the agent "
            + "sees, in its numbering.")
    String[] powercapDomains();

    @AttributeDefinition(name = "Pins", required = false, description = "Pins the agent sees, in its numbering.")
    String[] pins();

    @AttributeDefinition(name = "Pin groups", required = false, description = "Pin groups the agent sees, in its "
            + "numbering.")
    String[] pinGroups();

    @AttributeDefinition(name = "Pin functions", required = false, description = "Pin functions the agent sees, in "
            + "its numbering.")
    String[] pinFunctions();

    @AttributeDefinition(name = "Exclusive resources", required = false, description = "Resources of this profile's "
            + "lists that no other agent may see or list.")
    String[] exclusive();

    @AttributeDefinition(name = "Trusted", required = false, description = "The agent sees every other agent in "
            + "BASE_DISCOVER_AGENT and may reset their configuration; an untrusted agent sees only itself and the "
            + "platform.")
    boolean trusted() default false;

    @AttributeDefinition(name = "Xen VM UUID", required = false, description = "For Xen guests: the VM UUID "
            + "(/vm/<uuid>) that identifies this agent, instead of the domain name.")
    String xenUuid();

    @AttributeDefinition(name = "Release on disconnect", required = false, description = "For vhost-user guests: "
            + "when the connection ends, the agent's votes, settings, subscriptions and pending events end with it "
            + "(as for a Xen domain that is destroyed). Default: they are kept for its next connection.")
    boolean releaseOnDisconnect() default false;
}
