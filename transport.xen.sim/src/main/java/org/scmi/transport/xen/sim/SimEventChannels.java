package org.scmi.transport.xen.sim;

import java.util.BitSet;
import org.scmi.linux.Errno;
import org.scmi.transport.xen.hypervisor.EventChannels;
import org.scmi.transport.xen.hypervisor.XenException;

/**
 * A simulated {@code /dev/xen/evtchn} handle with the device's semantics: a port that fires is
 * masked and queued; events while masked stay pending and are reported again when the port is
 * unmasked; closing unbinds everything. The queue is a ring of port numbers and the port sets are
 * bit sets, so firing, waiting and unmasking allocate nothing once the ports are bound.
 *
 * <p>Threads: events arrive on the sender's thread (a guest vCPU, or a kernel handler), one
 * thread waits; all state is guarded by this object's monitor.
 */
final class SimEventChannels implements EventChannels {
    private static final int ENOTCONN = 107;

    private final EventChannelHub hub;
    private final int domid;
    private final BitSet bound = new BitSet();
    private final BitSet masked = new BitSet();
    private final BitSet pendingWhileMasked = new BitSet();
    /** Fired ports in order: {@code count} of them from {@code head}, wrapping. */
    private int[] fired = new int[16];
    private int head;
    private int count;
    private boolean wakeUpRequested;
    private boolean closed;

    SimEventChannels(EventChannelHub hub, int domid) {
        this.hub = hub;
        this.domid = domid;
    }

    /** An event arrived on one of our ports. */
    private synchronized void deliver(int port) {
        if (!bound.get(port)) {
            return;
        }
        if (masked.get(port)) {
            pendingWhileMasked.set(port);
        } else {
            masked.set(port);
            enqueue(port);
        }
    }

    private void enqueue(int port) {
        if (count == fired.length) {
            int[] larger = new int[2 * fired.length];
            for (int i = 0; i < count; i++) {
                larger[i] = fired[(head + i) % fired.length];
            }
            fired = larger;
            head = 0;
        }
        fired[(head + count) % fired.length] = port;
        count++;
        notifyAll();
    }

    @Override
    public int bindInterdomain(int remoteDomid, int remotePort) throws XenException {
        synchronized (this) {
            int port = hub.bindInterdomain(domid, remoteDomid, remotePort, this::deliver);
            if (port < 0) {
                throw new XenException("bind interdomain to " + remoteDomid + ":" + remotePort, Errno.EINVAL);
            }
            bound.set(port);
            return port;
        }
    }

    @Override
    public synchronized void unbind(int localPort) {
        if (bound.get(localPort)) {
            bound.clear(localPort);
            hub.close(domid, localPort);
            masked.clear(localPort);
            pendingWhileMasked.clear(localPort);
        }
    }

    @Override
    public void notify(int localPort) throws XenException {
        synchronized (this) {
            if (!bound.get(localPort)) {
                throw new XenException("notify port " + localPort, ENOTCONN);
            }
        }
        hub.send(domid, localPort);
    }

    @Override
    public synchronized int awaitPending(int[] ports) {
        while (count == 0 && !wakeUpRequested && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        if (wakeUpRequested || closed) {
            wakeUpRequested = false;
            return 0;
        }
        int taken = Math.min(count, ports.length);
        for (int i = 0; i < taken; i++) {
            ports[i] = fired[head];
            head = (head + 1) % fired.length;
        }
        count -= taken;
        return taken;
    }

    @Override
    public synchronized void wakeUp() {
        wakeUpRequested = true;
        notifyAll();
    }

    @Override
    public synchronized void unmask(int[] ports, int count) {
        for (int i = 0; i < count; i++) {
            int port = ports[i];
            if (masked.get(port)) {
                masked.clear(port);
                if (pendingWhileMasked.get(port)) {
                    pendingWhileMasked.clear(port);
                    masked.set(port);
                    enqueue(port);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        for (int port = bound.nextSetBit(0); port >= 0; port = bound.nextSetBit(port + 1)) {
            unbind(port);
        }
        closed = true;
        notifyAll();
    }
}
