package org.scmi.launcher.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the Gogo shell on a Unix socket for a server without a terminal: the socket of
 * configuration {@value #PID} ({@code socketPath}), else of the framework property
 * {@value #FRAMEWORK_PROPERTY} that {@code scmi-server --admin-socket PATH} sets. Without either,
 * nothing listens. A changed configuration moves the socket live. Nothing ever listens on a network
 * port.
 */
@Component(configurationPid = AdminSocket.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = AdminSocket.Config.class)
public final class AdminSocket {
    static final String PID = "org.scmi.admin";
    static final String FRAMEWORK_PROPERTY = "scmi.admin.socket";
    private static final Logger LOG = LoggerFactory.getLogger(AdminSocket.class);

    @ObjectClassDefinition(name = "SCMI admin shell", description = "The Gogo shell on a Unix socket (mode 0600), "
            + "one session per connection: socat - UNIX-CONNECT:PATH or nc -U PATH.")
    public @interface Config {
        @AttributeDefinition(name = "Socket path", required = false,
                description = "Unix socket of the admin shell. Empty: the path given with scmi-server --admin-socket "
                        + "(framework property " + FRAMEWORK_PROPERTY + "), or no admin socket.")
        String socketPath() default "";
    }

    private final Optional<AdminShellServer> server;

    @Activate
    public AdminSocket(BundleContext context, Config config, @Reference CommandProcessor processor) {
        String path = !config.socketPath().isBlank() ? config.socketPath() : context.getProperty(FRAMEWORK_PROPERTY);
        this.server = path == null || path.isBlank() ? Optional.empty() : open(Path.of(path), processor);
    }

    private static Optional<AdminShellServer> open(Path path, CommandProcessor processor) {
        try {
            AdminShellServer server = AdminShellServer.open(path, processor);
            LOG.info("admin shell listening on {} (socat - UNIX-CONNECT:{})", path, path);
            return Optional.of(server);
        } catch (IOException e) {
            LOG.error("admin shell not opened on {}: {}", path, e.getMessage());
            return Optional.empty();
        }
    }

    @Deactivate
    void deactivate() {
        server.ifPresent(AdminShellServer::close);
    }
}
