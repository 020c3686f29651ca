package org.scmi.transport.vhostuser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.scmi.virtio.device.GuestIdentity;
import org.scmi.virtio.device.VirtioDeviceBackend;
import org.scmi.virtio.linux.Errno;
import org.scmi.virtio.linux.Linux;
import org.scmi.virtio.linux.LinuxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured guest: a listening Unix socket that its QEMU connects to, served by the virtio
 * device backend with id 32 (SCMI).
 *
 * <p>Threads: one platform thread per socket (<em>the connection thread</em>) accepts a
 * connection, serves it to the end ({@link GuestConnection#serve()}), and accepts the next one;
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
    private static final int VIRTIO_ID_SCMI = 32;
    private static final int SOCKET_MODE = 0600;
    /** File type bits of st_mode, and the type of a socket. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int BACKLOG = 1;
    private static final long ACCEPT_RETRY_MILLIS = 200;
    private static final long STOP_TIMEOUT_MILLIS = 10_000;

    private final String socketPath;
    private final GuestIdentity guest;
    private final VirtioDeviceBackend backend;
    private final int listenFd;
    private final Thread thread;

    /** Guarded by this. */
    private GuestConnection connection;
    /** Guarded by this. */
    private boolean closing;

    @Activate
    public VhostUserGuestComponent(GuestConfiguration config,
            @Reference(target = "(" + VirtioDeviceBackend.DEVICE_ID + "=" + VIRTIO_ID_SCMI + ")")
            VirtioDeviceBackend backend) throws IOException {
        if (config.socketPath() == null || config.socketPath().isBlank()) {
            throw new IllegalArgumentException("socketPath is not configured");
        }
        this.socketPath = config.socketPath();
        this.guest = new GuestIdentity("vhost-user:" + socketPath, agentName(config));
        this.backend = backend;
        prepareSocketPath(Path.of(socketPath));
        this.listenFd = Linux.listenUnix(socketPath, BACKLOG, SOCKET_MODE);
        LOG.info("listening on {}", socketPath);
        this.thread = Thread.ofPlatform().name("vhost-user " + guest.name()).unstarted(this::acceptLoop);
        thread.start();
    }

    /**
     * Creates missing parent directories, and refuses a path holding anything but a (stale)
     * socket: listening replaces what is there.
     */
    private static void prepareSocketPath(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                && ((int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT) != S_IFSOCK) {
            throw new IOException(path + " exists and is not a socket; not replacing it");
        }
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
        while (true) {
            int fd;
            try {
                fd = Linux.accept(listenFd);
            } catch (LinuxException e) {
                synchronized (this) {
                    if (closing) {
                        return;
                    }
                }
                LOG.error("guest {}: accept on {} failed: {}", guest.name(), socketPath, e.getMessage());
                if (e.errno() == Errno.EBADF || e.errno() == Errno.EINVAL || !pause()) {
                    return;
                }
                continue;
            }
            GuestConnection accepted = new GuestConnection(guest, backend, fd);
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

    /** Waits before retrying a failed accept (e.g. out of fds); false if interrupted. */
    private static boolean pause() {
        try {
            Thread.sleep(ACCEPT_RETRY_MILLIS);
            return true;
        } catch (InterruptedException e) {
            return false;
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
        // Wakes accept(2) with EINVAL.
        Linux.shutdown(listenFd);
        try {
            thread.join(STOP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("guest {}: the connection on {} did not stop within {} ms", guest.name(), socketPath,
                    STOP_TIMEOUT_MILLIS);
        } else {
            Linux.close(listenFd);
        }
        Linux.unlink(socketPath);
        LOG.info("guest {}: stopped listening on {}", guest.name(), socketPath);
    }
}
