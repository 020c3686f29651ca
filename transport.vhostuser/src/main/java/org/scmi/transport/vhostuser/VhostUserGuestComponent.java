package org.scmi.transport.vhostuser;

import java.io.IOException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.scmi.linux.Linux;
import org.scmi.linux.UnixListener;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.VirtioDevice;
import org.scmi.virtio.device.VirtioDeviceIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured guest: a listening Unix socket that its QEMU connects to, served by the virtio
 * device backend with id 32 (SCMI).
 *
 * <p>Threads: one platform thread per socket (<em>the connection thread</em>) accepts a
 * connection, serves it to the end ({@link VhostUserConnection#serve()}), and accepts the next one;
 * a guest's QEMU may therefore disconnect and reconnect any number of times. One connection is
 * served at a time; a second QEMU waits in the listen backlog until the first leaves.
 *
 * <p>Deactivation (configuration deleted or changed, backend gone, bundle stopped) shuts the
 * listening socket and the connection down, waits for the thread, and removes the socket file.
 */
@Component(configurationPid = GuestConfiguration.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = GuestConfiguration.class, factory = true)
public final class VhostUserGuestComponent {
    private static final Logger LOG = LoggerFactory.getLogger(VhostUserGuestComponent.class);
    private static final int SOCKET_MODE = 0600;
    private static final int BACKLOG = 1;
    private static final long STOP_TIMEOUT_MILLIS = 10_000;

    private final String socketPath;
    private final GuestIdentity guest;
    private final VirtioDevice backend;
    private final UnixListener listener;
    private final Thread thread;

    /** Guarded by this. */
    private VhostUserConnection connection;
    /** Guarded by this. */
    private boolean closing;

    @Activate
    public VhostUserGuestComponent(GuestConfiguration config,
            @Reference(target = "(" + VirtioDevice.DEVICE_ID + "=" + VirtioDeviceIds.SCMI + ")")
            VirtioDevice backend) throws IOException {
        if (config.socketPath() == null || config.socketPath().isBlank()) {
            throw new IllegalArgumentException("socketPath is not configured");
        }
        this.socketPath = config.socketPath();
        this.guest = new GuestIdentity("vhost-user:" + socketPath, agentName(config));
        this.backend = backend;
        this.listener = UnixListener.open(Path.of(socketPath), BACKLOG, SOCKET_MODE, "guest " + guest.name());
        LOG.info("listening on {}", socketPath);
        this.thread = Thread.ofPlatform().name("vhost-user " + guest.name()).unstarted(this::acceptLoop);
        thread.start();
    }

    private static String agentName(GuestConfiguration config) {
        if (config.agentName() != null && !config.agentName().isBlank()) {
            return config.agentName();
        }
        String file = Path.of(config.socketPath()).getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    private void acceptLoop() {
        for (int fd; (fd = listener.accept()) >= 0;) {
            VhostUserConnection accepted = new VhostUserConnection(guest, backend, fd);
            synchronized (this) {
                if (closing) {
                    accepted.disconnect();
                }
                connection = accepted;
            }
            LOG.info("guest {}: front-end connected on {}", guest.name(), socketPath);
            accepted.serve();
            synchronized (this) {
                connection = null;
            }
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            closing = true;
            if (connection != null) {
                connection.disconnect();
            }
        }
        listener.shutdown();
        try {
            thread.join(STOP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("guest {}: the connection on {} did not stop within {} ms", guest.name(), socketPath,
                    STOP_TIMEOUT_MILLIS);
        } else {
            listener.close();
        }
        Linux.unlink(socketPath);
        LOG.info("guest {}: stopped listening on {}", guest.name(), socketPath);
    }
}
