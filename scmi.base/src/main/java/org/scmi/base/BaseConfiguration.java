package org.scmi.base;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * What the Base protocol tells agents about this platform. Changes apply to the next command
 * without re-registering the protocol. An invalid value is logged by name and its default used.
 */
@ObjectClassDefinition(id = BaseProtocol.PID, name = "SCMI Base protocol",
        description = "Identity of the platform as agents discover it through the SCMI Base protocol.")
@interface BaseConfiguration {

    @AttributeDefinition(name = "Vendor",
            description = "BASE_DISCOVER_VENDOR: 1 to 15 printable ASCII characters.")
    String vendor() default BaseSettings.DEFAULT_VENDOR;

    @AttributeDefinition(name = "Sub-vendor",
            description = "BASE_DISCOVER_SUB_VENDOR: 1 to 15 printable ASCII characters.")
    String sub_vendor() default BaseSettings.DEFAULT_SUB_VENDOR;

    @AttributeDefinition(name = "Implementation version",
            description = "BASE_DISCOVER_IMPLEMENTATION_VERSION: a vendor-defined 32-bit value (0 to 4294967295).",
            min = "0", max = "4294967295")
    long implementation_version() default BaseSettings.DEFAULT_IMPLEMENTATION_VERSION;

    @AttributeDefinition(name = "Platform name",
            description = "Name BASE_DISCOVER_AGENT reports for agent 0, the platform: 1 to 15 printable ASCII "
                    + "characters. Conformance tests expect it to start with \"platform\".")
    String platform_name() default BaseSettings.DEFAULT_PLATFORM_NAME;
}
