package org.scmi.clock;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI clock protocol",
        description = "How the Clock management protocol offers asynchronous rate changes to agents with an event "
                + "channel, and waits for a clock driver being replaced.")
@interface ClockProtocolConfig {

    @AttributeDefinition(name = "Pending asynchronous rate changes",
            description = "Most asynchronous CLOCK_RATE_SET an agent may have pending (max_async_req, 0..255). "
                    + "0 offers none; Linux uses asynchronous rate changes only when this is 2 or more.")
    int maxPendingAsyncRateChanges() default 8;

    @AttributeDefinition(name = "Asynchronous deadline (ms)",
            description = "Asynchronous rate changes are offered only if every clock changes rate faster than this. "
                    + "Linux waits 2000 ms for a delayed response; keep a margin for queueing.")
    int asyncDeadlineMillis() default 1500;

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long a command that needs the hardware waits for the driver of a known clock while "
                    + "its bundle is updated, stopped and started or refreshed, before answering HARDWARE_ERROR.",
            min = "0")
    int driverGraceMillis() default 2000;
}
