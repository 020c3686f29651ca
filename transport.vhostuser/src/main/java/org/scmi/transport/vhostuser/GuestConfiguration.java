package org.scmi.transport.vhostuser;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One guest served over vhost-user: one factory configuration per guest. */
@ObjectClassDefinition(
        name = "vhost-user guest",
        description = "A guest whose QEMU connects to this server over a vhost-user Unix socket "
                + "(-chardev socket,path=PATH -device vhost-user-scmi-pci,chardev=...). One configuration per guest.")
public @interface GuestConfiguration {

    String FACTORY_PID = "org.scmi.transport.vhostuser.guest";

    @AttributeDefinition(name = "Socket path",
            description = "Path of the Unix socket this server listens on for the guest's QEMU (created with mode "
                    + "0600; a stale socket file there is replaced; missing parent directories are created). The path "
                    + "is the guest's identity: a guest reconnecting on it is the same SCMI agent.")
    String socketPath();

    @AttributeDefinition(name = "Agent name",
            description = "SCMI agent name of the guest. "
                    + "Empty: the socket file's name without extension.",
            required = false)
    String agentName() default "";
}
