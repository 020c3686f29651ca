package org.scmi.voltage;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI voltage domain protocol",
        description = "How the Voltage domain management protocol behaves while a voltage driver is replaced.")
@interface VoltageProtocolConfig {

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long commands that read or change a supply wait for the driver of a known domain "
                    + "while its bundle is updated, stopped and started or refreshed, before answering "
                    + "HARDWARE_ERROR.", min = "0")
    int driverGraceMillis() default 2000;
}
