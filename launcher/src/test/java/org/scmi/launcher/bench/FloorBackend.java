package org.scmi.launcher.bench;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import org.scmi.launcher.e2e.ServerProcess;
import org.scmi.transport.vhostuser.GuestConfiguration;
import org.scmi.transport.vhostuser.Poller;
import org.scmi.transport.vhostuser.VhostUserGuestComponent;

/**
 * The floor process of the benchmark: the project's vhost-user transport serving a
 * {@link ZeroWorkDevice} on one socket, in a JVM of its own started with the server's JVM flags,
 * until it is killed. Prints {@code listening on PATH} when ready, as the server does.
 */
public final class FloorBackend {

    private FloorBackend() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: FloorBackend SOCKET_PATH");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        new VhostUserGuestComponent(configuration(socket), new ZeroWorkDevice(), new Poller());
        System.out.println(ServerProcess.LISTENING + socket);
        System.out.flush();
        Thread.currentThread().join(); // the transport's threads serve until the process is killed
    }

    private static GuestConfiguration configuration(Path socket) {
        return new GuestConfiguration() {
            @Override
            public String socketPath() {
                return socket.toString();
            }

            @Override
            public String agentName() {
                return "floor";
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return GuestConfiguration.class;
            }
        };
    }
}
