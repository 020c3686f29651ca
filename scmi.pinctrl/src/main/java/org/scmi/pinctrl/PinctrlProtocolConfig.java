package org.scmi.pinctrl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI pin control protocol",
        description = "Who may set pin permissions, and how the Pin control protocol behaves while a pin "
                + "controller driver is replaced.")
@interface PinctrlProtocolConfig {

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long PINCTRL_SETTINGS_GET and PINCTRL_SETTINGS_CONFIGURE wait for the driver of a "
                    + "known pin while its bundle is updated, stopped and started or refreshed, before answering "
                    + "HARDWARE_ERROR.", min = "0")
    int driverGraceMillis() default 2000;

    @AttributeDefinition(name = "Agents trusted with pin permissions",
            description = "Names of the agents that may use PINCTRL_SET_PERMISSIONS to allow or deny other "
                    + "agents pins and groups, besides agents whose profile says trusted. Every other agent gets "
                    + "DENIED, and NOT_FOUND for the id of another agent, which it does not see.", required = false)
    String[] trustedAgents() default {};
}
