package org.scmi.system;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI system power protocol",
        description = "How the System power management protocol asks agents to shut down, reboot or suspend, "
                + "and how it carries out a trusted agent's request for the whole system.")
@interface SystemPowerConfig {

    @AttributeDefinition(name = "Graceful timeout (ms)",
            description = "The time a graceful request gives agents (the notifier's timeout): Linux forces its "
                    + "shutdown at 75% of it. A trusted agent's graceful request reaches the board after it.",
            min = "0")
    int gracefulTimeoutMillis() default 30000;

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long a trusted agent's SYSTEM_POWER_STATE_SET waits for the system power driver "
                    + "while its bundle is updated, before answering NOT_SUPPORTED.", min = "0")
    int driverGraceMillis() default 2000;
}
