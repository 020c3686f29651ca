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
import org.scmi.linux.LinuxException;
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
 * <p>Threads: none of its own. The transport's {@link Poller} threads accept a connection when
 * the socket has one, serve it ({@link VhostUserConnection}) until it ends, then watch the socket
 * for the next one; a guest's QEMU may therefore disconnect and reconnect any number of times. One
 * connection is served at a time; a second QEMU waits in the listen backlog until the first leaves.
 *
 * <p>Deactivation (configuration deleted or changed, backend gone, bundle stopped) stops watching
 * the listening socket, disconnects the connection and waits until it is torn down, then closes
 * the socket and removes the socket file. The guest has not left then: its device session is
 * detached, so what its agent holds stays.
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
    private final Poller poller;
    private final UnixListener listener;

    /** Guarded by this: accepts the next connection; null while one is served. */
    private Poller.Watch listening;
    /** Guarded by this: the connection being served, or null. */
    private VhostUserConnection connection;
    /** Guarded by this. */
    private boolean closing;

    @Activate
    public VhostUserGuestComponent(GuestConfiguration config,
            @Reference(target = "(" + VirtioDevice.DEVICE_ID + "=" + VirtioDeviceIds.SCMI + ")")
            VirtioDevice backend, @Reference Poller poller) throws IOException {
        if (config.socketPath() == null || config.socketPath().isBlank()) {
            throw new IllegalArgumentException("socketPath is not configured");
        }
        this.socketPath = config.socketPath();
        this.guest = new GuestIdentity("vhost-user:" + socketPath, agentName(config));
        this.backend = backend;
        this.poller = poller;
        this.listener = UnixListener.open(Path.of(socketPath), BACKLOG, SOCKET_MODE, "guest " + guest.name());
        synchronized (this) {
            try {
                listen();
            } catch (LinuxException e) {
                listener.close();
                Linux.unlink(socketPath);
                throw e;
            }
        }
        LOG.info("listening on {}", socketPath);
    }

    private static String agentName(GuestConfiguration config) {
        if (config.agentName() != null && !config.agentName().isBlank()) {
            return config.agentName();
        }
        String file = Path.of(config.socketPath()).getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /** Watches the listening socket for the next connection. Guarded by this. */
    private void listen() throws LinuxException {
        listening = poller.watch(listener.fd(), fd -> accept(), () -> { }, "guest " + guest.name() + " socket");
    }

    /** The listening socket has a connection: serve it, and accept no other until it ends. */
    private void accept() {
        int fd = listener.accept();
        if (fd < 0) {
            return; // shut down: deactivation cancels the watch
        }
        VhostUserConnection accepted;
        synchronized (this) {
            if (closing || connection != null) {
                Linux.close(fd);
                return;
            }
            listening.cancel();
            listening = null;
            accepted = new VhostUserConnection(guest, backend, poller, fd, this::connectionEnded);
            connection = accepted;
        }
        LOG.info("guest {}: front-end connected on {}", guest.name(), socketPath);
        accepted.start();
    }

    /** The connection was torn down: accept the next one, unless the guest is being stopped. */
    private synchronized void connectionEnded() {
        connection = null;
        notifyAll();
        if (!closing) {
            try {
                listen();
            } catch (LinuxException | RuntimeException e) {
                LOG.error("guest {}: cannot accept connections on {} any more: {}", guest.name(), socketPath,
                        e.toString());
            }
        }
    }

    @Deactivate
    void deactivate() {
        Poller.Watch watch;
        synchronized (this) {
            closing = true;
            watch = listening;
            listening = null;
            if (connection != null) {
                connection.detach();
            }
        }
        listener.shutdown(); // an accept under way returns
        if (watch != null) {
            watch.cancel();
        }
        boolean stopped = awaitConnectionEnd();
        if (stopped) {
            listener.close();
        } else {
            LOG.warn("guest {}: the connection on {} did not stop within {} ms", guest.name(), socketPath,
                    STOP_TIMEOUT_MILLIS);
        }
        Linux.unlink(socketPath);
        LOG.info("guest {}: stopped listening on {}", guest.name(), socketPath);
    }

    private synchronized boolean awaitConnectionEnd() {
        long deadline = System.nanoTime() + STOP_TIMEOUT_MILLIS * 1_000_000;
        boolean interrupted = false;
        try {
            for (long left; connection != null && (left = deadline - System.nanoTime()) > 0;) {
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return connection == null;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
