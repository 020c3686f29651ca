package org.scmi.transport.xen.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The simulated hypervisor's event channels: per-domain port numbers, interdomain links, and
 * delivery to whoever listens on a port (a backend's {@link SimEventChannels} handle or a guest
 * vCPU). Thread-safe.
 */
final class EventChannelHub {
    private record Key(int domid, int port) {
    }

    private static final class Endpoint {
        final Key key;
        /** The domain allowed to bind this unbound port (Xen's remote_dom of an unbound port). */
        final int allowedPeer;
        Key peer;
        IntConsumer receiver;

        Endpoint(Key key, int allowedPeer, IntConsumer receiver) {
            this.key = key;
            this.allowedPeer = allowedPeer;
            this.receiver = receiver;
        }
    }

    private final Map<Key, Endpoint> endpoints = new HashMap<>();
    /** Kernel interrupt handlers sharing a port with its receiver (privcmd ioeventfd); they run first. */
    private final Map<Key, List<IntConsumer>> kernelHandlers = new HashMap<>();
    private final Map<Integer, Integer> nextPort = new HashMap<>();

    private int allocate(int domid) {
        int port = nextPort.getOrDefault(domid, 1);
        nextPort.put(domid, port + 1);
        return port;
    }

    /** An unbound port of {@code domid} that {@code peer} may bind; events to it go to {@code receiver}. */
    synchronized int allocateUnbound(int domid, int peer, IntConsumer receiver) {
        int port = allocate(domid);
        endpoints.put(new Key(domid, port), new Endpoint(new Key(domid, port), peer, receiver));
        return port;
    }

    /**
     * Binds a new local port of {@code domid} to {@code remoteDomid}'s unbound port.
     *
     * @return the local port, or -1 if the remote port does not exist, is bound already or is
     *     not offered to {@code domid}
     */
    synchronized int bindInterdomain(int domid, int remoteDomid, int remotePort, IntConsumer receiver) {
        Endpoint remote = endpoints.get(new Key(remoteDomid, remotePort));
        if (remote == null || remote.peer != null || remote.allowedPeer != domid) {
            return -1;
        }
        int port = allocate(domid);
        Endpoint local = new Endpoint(new Key(domid, port), remoteDomid, receiver);
        local.peer = remote.key;
        remote.peer = local.key;
        endpoints.put(local.key, local);
        return port;
    }

    /** Closes a port; its peer becomes unbound again (as after EVTCHNOP_close). */
    synchronized void close(int domid, int port) {
        Endpoint endpoint = endpoints.remove(new Key(domid, port));
        kernelHandlers.remove(new Key(domid, port));
        if (endpoint != null && endpoint.peer != null) {
            Endpoint peer = endpoints.get(endpoint.peer);
            if (peer != null) {
                peer.peer = null;
            }
        }
    }

    /** Closes every port of a domain (it died). */
    synchronized void closeDomain(int domid) {
        endpoints.keySet().stream().filter(k -> k.domid() == domid).toList().forEach(k -> close(k.domid(), k.port()));
    }

    /** Adds a kernel handler to {@code domid}'s {@code port}: it sees each event before the port's receiver. */
    synchronized void addKernelHandler(int domid, int port, IntConsumer handler) {
        kernelHandlers.computeIfAbsent(new Key(domid, port), k -> new ArrayList<>()).add(handler);
    }

    synchronized void removeKernelHandler(int domid, int port, IntConsumer handler) {
        List<IntConsumer> handlers = kernelHandlers.get(new Key(domid, port));
        if (handlers != null && handlers.remove(handler) && handlers.isEmpty()) {
            kernelHandlers.remove(new Key(domid, port));
        }
    }

    /**
     * Sends an event from a local port to its peer.
     *
     * @return false if the port is not bound to a live peer (ENOTCONN)
     */
    boolean send(int domid, int port) {
        IntConsumer receiver;
        int peerPort;
        List<IntConsumer> handlers;
        synchronized (this) {
            Endpoint endpoint = endpoints.get(new Key(domid, port));
            if (endpoint == null || endpoint.peer == null) {
                return false;
            }
            Endpoint peer = endpoints.get(endpoint.peer);
            if (peer == null) {
                return false;
            }
            receiver = peer.receiver;
            peerPort = peer.key.port();
            handlers = List.copyOf(kernelHandlers.getOrDefault(peer.key, List.of()));
        }
        for (IntConsumer handler : handlers) {
            handler.accept(peerPort);
        }
        receiver.accept(peerPort);
        return true;
    }
}
