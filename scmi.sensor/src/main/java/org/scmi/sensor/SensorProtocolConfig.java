package org.scmi.sensor;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SCMI sensor protocol",
        description = "How the Sensor management protocol behaves while a sensor driver is replaced.")
@interface SensorProtocolConfig {

    @AttributeDefinition(name = "Grace period for an absent driver (ms)",
            description = "How long SENSOR_READING_GET waits for the driver of a listed sensor while its bundle is "
                    + "updated, stopped and started or refreshed, before answering HARDWARE_ERROR.", min = "0")
    int driverGraceMillis() default 2000;
}
