package org.scmi.power;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI power domain protocol",
        description = "How the Power domain management protocol behaves while a power domain driver is replaced.")
@interface PowerProtocolConfig {

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long POWER_STATE_GET and POWER_STATE_SET wait for the driver of a known domain "
                    + "while its bundle is updated, stopped and started or refreshed, before answering "
                    + "HARDWARE_ERROR.", min = "0")
    int driverGraceMillis() default 2000;
}
