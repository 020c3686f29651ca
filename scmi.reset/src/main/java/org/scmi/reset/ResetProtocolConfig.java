package org.scmi.reset;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI reset domain protocol",
        description = "How the Reset domain management protocol behaves while a reset driver is replaced.")
@interface ResetProtocolConfig {

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long RESET waits for the driver of a known domain while its bundle is updated, "
                    + "stopped and started or refreshed, before answering HARDWARE_ERROR.", min = "0")
    int driverGraceMillis() default 2000;
}
