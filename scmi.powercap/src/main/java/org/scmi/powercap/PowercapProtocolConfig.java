package org.scmi.powercap;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI powercap protocol",
        description = "How the Powercap protocol offers asynchronous cap changes to agents with an event channel, and "
                + "waits for a powercap driver being replaced.")
@interface PowercapProtocolConfig {

    @AttributeDefinition(name = "Asynchronous deadline (ms)",
            description = "Asynchronous POWERCAP_CAP_SET is offered for a zone only if it applies a cap faster than "
                    + "this. Linux waits 2000 ms for a delayed response; keep a margin for queueing.")
    int asyncDeadlineMillis() default 1500;

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long a command that needs the hardware waits for the driver of a known zone while its "
                    + "bundle is updated, stopped and started or refreshed, before answering HARDWARE_ERROR.",
            min = "0")
    int driverGraceMillis() default 2000;
}
