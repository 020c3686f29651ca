package org.scmi.transport.xen.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.scmi.linux.Errno;
import org.scmi.transport.xen.port.EventChannels;
import org.scmi.transport.xen.port.XenException;

/**
 * A simulated {@code /dev/xen/evtchn} handle with the device's semantics: a port that fires is
 * masked and queued; events while masked stay pending and are reported again when the port is
 * unmasked; closing unbinds everything.
 */
final class SimEventChannels implements EventChannels {
    private static final int ENOTCONN = 107;

    private final EventChannelHub hub;
    private final int domid;
    private final LinkedBlockingQueue<Integer> fired = new LinkedBlockingQueue<>();
    private final Set<Integer> bound = new HashSet<>();
    private final Set<Integer> masked = new HashSet<>();
    private final Set<Integer> pendingWhileMasked = new HashSet<>();

    SimEventChannels(EventChannelHub hub, int domid) {
        this.hub = hub;
        this.domid = domid;
    }

    /** An event arrived on one of our ports. */
    private synchronized void deliver(int port) {
        if (!bound.contains(port)) {
            return;
        }
        if (masked.contains(port)) {
            pendingWhileMasked.add(port);
        } else {
            masked.add(port);
            fired.add(port);
        }
    }

    @Override
    public int bindInterdomain(int remoteDomid, int remotePort) throws XenException {
        synchronized (this) {
            int port = hub.bindInterdomain(domid, remoteDomid, remotePort, this::deliver);
            if (port < 0) {
                throw new XenException("bind interdomain to " + remoteDomid + ":" + remotePort, Errno.EINVAL);
            }
            bound.add(port);
            return port;
        }
    }

    @Override
    public synchronized void unbind(int localPort) {
        if (bound.remove(localPort)) {
            hub.close(domid, localPort);
            masked.remove(localPort);
            pendingWhileMasked.remove(localPort);
        }
    }

    @Override
    public void notify(int localPort) throws XenException {
        synchronized (this) {
            if (!bound.contains(localPort)) {
                throw new XenException("notify port " + localPort, ENOTCONN);
            }
        }
        hub.send(domid, localPort);
    }

    @Override
    public int[] awaitPending(int timeoutMillis) throws XenException {
        List<Integer> ports = new ArrayList<>();
        try {
            Integer first = fired.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            if (first == null) {
                return new int[0];
            }
            ports.add(first);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new int[0];
        }
        fired.drainTo(ports);
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public synchronized void unmask(int[] ports) {
        for (int port : ports) {
            if (masked.remove(port) && pendingWhileMasked.remove(port)) {
                masked.add(port);
                fired.add(port);
            }
        }
    }

    @Override
    public synchronized void close() {
        for (int port : List.copyOf(bound)) {
            unbind(port);
        }
    }
}
