package org.scmi.perf;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI performance domain protocol",
        description = "How the Performance domain management protocol behaves while a performance domain driver "
                + "is replaced.")
@interface PerfProtocolConfig {

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long a command that needs the hardware waits for the driver of a known domain while "
                    + "its bundle is updated, stopped and started or refreshed, before answering HARDWARE_ERROR.",
            min = "0")
    int driverGraceMillis() default 2000;
}
