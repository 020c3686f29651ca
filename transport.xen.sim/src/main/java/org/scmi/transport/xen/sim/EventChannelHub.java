package org.scmi.transport.xen.sim;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The simulated hypervisor's event channels: per-domain port numbers, interdomain links, and
 * delivery to whoever listens on a port (a backend's {@link SimEventChannels} handle or a guest
 * vCPU). Thread-safe. Sending looks ports up in per-domain arrays and allocates nothing, as the
 * backend's ioreq thread sends one event per trapped access.
 *
 * <p>A backend port can have kernel handlers besides its receiver (privcmd's ioeventfd binds the
 * same port, shared): closing the port from its handle then leaves it bound, with only the
 * kernel handlers listening, until the last of them goes, as Linux unbinds an event channel only
 * once all its users are gone. The guest's end stays bound meanwhile, so nobody else can bind it.
 */
final class EventChannelHub {
    private static final IntConsumer[] NO_HANDLERS = new IntConsumer[0];

    private static final class Endpoint {
        final int port;
        /** The domain allowed to bind this unbound port (Xen's remote_dom of an unbound port). */
        final int allowedPeer;
        final IntConsumer receiver;
        Endpoint peer;
        /** Kernel interrupt handlers sharing this port with its receiver (privcmd ioeventfd); they run first. */
        IntConsumer[] kernelHandlers = NO_HANDLERS;
        /** Whether the handle that bound the port closed it (the port lives on for its kernel handlers). */
        boolean closedByHandle;

        Endpoint(int port, int allowedPeer, IntConsumer receiver) {
            this.port = port;
            this.allowedPeer = allowedPeer;
            this.receiver = receiver;
        }
    }

    /** One domain's ports, indexed by port number (ports are handed out from 1 upwards). */
    private static final class DomainPorts {
        Endpoint[] ports = new Endpoint[8];
        int next = 1;
    }

    /** Indexed by domid; grown as domains appear. */
    private DomainPorts[] domains = new DomainPorts[8];

    private DomainPorts domain(int domid) {
        if (domid >= domains.length) {
            domains = Arrays.copyOf(domains, Math.max(domid + 1, 2 * domains.length));
        }
        if (domains[domid] == null) {
            domains[domid] = new DomainPorts();
        }
        return domains[domid];
    }

    private Endpoint endpoint(int domid, int port) {
        if (domid < 0 || domid >= domains.length || domains[domid] == null) {
            return null;
        }
        Endpoint[] ports = domains[domid].ports;
        return port > 0 && port < ports.length ? ports[port] : null;
    }

    private Endpoint allocate(int domid, int allowedPeer, IntConsumer receiver) {
        DomainPorts ports = domain(domid);
        int port = ports.next++;
        if (port >= ports.ports.length) {
            ports.ports = Arrays.copyOf(ports.ports, 2 * port);
        }
        Endpoint endpoint = new Endpoint(port, allowedPeer, receiver);
        ports.ports[port] = endpoint;
        return endpoint;
    }

    /** An unbound port of {@code domid} that {@code peer} may bind; events to it go to {@code receiver}. */
    synchronized int allocateUnbound(int domid, int peer, IntConsumer receiver) {
        return allocate(domid, peer, receiver).port;
    }

    /**
     * Binds a new local port of {@code domid} to {@code remoteDomid}'s unbound port.
     *
     * @return the local port, or -1 if the remote port does not exist, is bound already or is
     *     not offered to {@code domid}
     */
    synchronized int bindInterdomain(int domid, int remoteDomid, int remotePort, IntConsumer receiver) {
        Endpoint remote = endpoint(remoteDomid, remotePort);
        if (remote == null || remote.peer != null || remote.allowedPeer != domid) {
            return -1;
        }
        Endpoint local = allocate(domid, remoteDomid, receiver);
        local.peer = remote;
        remote.peer = local;
        return local.port;
    }

    /**
     * Closes a port from the handle that bound it; its peer becomes unbound again (as after
     * EVTCHNOP_close), unless kernel handlers still use the port.
     */
    synchronized void close(int domid, int port) {
        Endpoint endpoint = endpoint(domid, port);
        if (endpoint == null) {
            return;
        }
        endpoint.closedByHandle = true;
        if (endpoint.kernelHandlers.length == 0) {
            remove(domid, endpoint);
        }
    }

    private void remove(int domid, Endpoint endpoint) {
        domains[domid].ports[endpoint.port] = null;
        if (endpoint.peer != null) {
            endpoint.peer.peer = null;
        }
    }

    /** Closes every port of a domain (it died), kernel handlers or not. */
    synchronized void closeDomain(int domid) {
        if (domid < domains.length && domains[domid] != null) {
            for (Endpoint endpoint : domains[domid].ports) {
                if (endpoint != null) {
                    remove(domid, endpoint);
                }
            }
        }
    }

    /** Adds a kernel handler to {@code domid}'s {@code port}: it sees each event before the port's receiver. */
    synchronized void addKernelHandler(int domid, int port, IntConsumer handler) {
        Endpoint endpoint = endpoint(domid, port);
        if (endpoint != null) {
            IntConsumer[] handlers = Arrays.copyOf(endpoint.kernelHandlers, endpoint.kernelHandlers.length + 1);
            handlers[handlers.length - 1] = handler;
            endpoint.kernelHandlers = handlers;
        }
    }

    synchronized void removeKernelHandler(int domid, int port, IntConsumer handler) {
        Endpoint endpoint = endpoint(domid, port);
        if (endpoint != null) {
            endpoint.kernelHandlers = Arrays.stream(endpoint.kernelHandlers).filter(h -> h != handler)
                    .toArray(IntConsumer[]::new);
            if (endpoint.kernelHandlers.length == 0 && endpoint.closedByHandle) {
                remove(domid, endpoint);
            }
        }
    }

    /**
     * Sends an event from a local port to its peer.
     *
     * @return false if the port is not bound to a live peer (ENOTCONN)
     */
    boolean send(int domid, int port) {
        Endpoint peer;
        IntConsumer[] handlers;
        boolean toReceiver;
        synchronized (this) {
            Endpoint endpoint = endpoint(domid, port);
            if (endpoint == null || endpoint.peer == null) {
                return false;
            }
            peer = endpoint.peer;
            handlers = peer.kernelHandlers;
            toReceiver = !peer.closedByHandle;
        }
        for (IntConsumer handler : handlers) {
            handler.accept(peer.port);
        }
        if (toReceiver) {
            peer.receiver.accept(peer.port);
        }
        return true;
    }
}
