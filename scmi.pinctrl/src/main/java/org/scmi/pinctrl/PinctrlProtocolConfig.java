package org.scmi.pinctrl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI pin control protocol",
        description = "How the Pin control protocol behaves while a pin controller driver is replaced. Who may "
                + "set pin permissions is the agent profiles' 'trusted'.")
@interface PinctrlProtocolConfig {

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long PINCTRL_SETTINGS_GET and PINCTRL_SETTINGS_CONFIGURE wait for the driver of a "
                    + "known pin while its bundle is updated, stopped and started or refreshed, before answering "
                    + "HARDWARE_ERROR.", min = "0")
    int driverGraceMillis() default 2000;
}
