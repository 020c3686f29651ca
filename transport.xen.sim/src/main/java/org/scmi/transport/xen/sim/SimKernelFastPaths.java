package org.scmi.transport.xen.sim;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.IoreqSlot;
import org.scmi.transport.xen.abi.VirtioMmio;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.InterruptTrigger;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.QueueKick;
import org.scmi.transport.xen.hypervisor.XenException;

/**
 * The backend domain's kernel with privcmd's eventfd paths (CONFIG_XEN_PRIVCMD_EVENTFD), as the
 * simulated hypervisor offers them when asked to: real eventfds on the backend's side, and the
 * kernel's part done here.
 *
 * <ul>
 * <li>irqfd: a kernel worker ("xen-sim-irqfd-...") waits on the eventfd and raises the guest's
 * SPI for each signal (the kernel re-issues the prepared set_irq_level dm_op); deassigning wakes
 * it through a second eventfd;</li>
 * <li>ioeventfd: a handler shares the backend's vCPU event-channel ports with the evtchn device
 * and runs first; a READY write of the queue's index to QueueNotify it claims (READY → INPROCESS,
 * atomically, as the backend's ioreq thread does), completes itself (IORESP_READY, the vCPU
 * notified) and signals the eventfd, so the backend's ioreq thread, which may look at the slot at
 * the same time for an earlier event, finds it taken and skips it. Every other access stays for
 * userspace.</li>
 * </ul>
 *
 * <p>Both take the eventfd they are given and close it when deassigned. What outlives the backend
 * process is the kernel's: an irqfd goes with the last reference to its eventfd (the process's
 * exit), an ioeventfd stays, holding the vCPU ports bound, until deassigned or the guest dies.
 */
final class SimKernelFastPaths {
    /** ioeventfd matches the low 16 bits of the value written (the queue index). */
    private static final long QUEUE_INDEX_MASK = 0xFFFF;

    private final EventChannelHub hub;
    private final int backendDomid;
    private final AtomicLong interruptsRaised = new AtomicLong();
    private final AtomicLong notificationsCompleted = new AtomicLong();

    SimKernelFastPaths(EventChannelHub hub, int backendDomid) {
        this.hub = hub;
        this.backendDomid = backendDomid;
    }

    /** SPIs raised through irqfds so far. */
    long interruptsRaised() {
        return interruptsRaised.get();
    }

    /** QueueNotify ioreqs completed by ioeventfds so far (never seen by the backend's ioreq thread). */
    long notificationsCompleted() {
        return notificationsCompleted.get();
    }

    /** An irqfd raising {@code irq} of {@code guest} on every signal of {@code eventfd} (taken over). */
    InterruptTrigger irqfd(SimDomain guest, int irq, int eventfd) throws XenException {
        int deassignFd;
        try {
            deassignFd = eventfd("deassigning an irqfd");
        } catch (XenException e) {
            Linux.close(eventfd);
            throw e;
        }
        IrqfdWorker worker = new IrqfdWorker(guest, irq, eventfd, deassignFd);
        worker.thread = Thread.ofPlatform().daemon().name("xen-sim-irqfd-dom" + guest.domid() + "-spi" + irq)
                .start(worker::run);
        return worker;
    }

    private final class IrqfdWorker implements InterruptTrigger {
        private final SimDomain guest;
        private final int irq;
        private final int eventfd;
        private final int deassignFd;
        private volatile boolean assigned = true;
        private Thread thread;

        IrqfdWorker(SimDomain guest, int irq, int eventfd, int deassignFd) {
            this.guest = guest;
            this.irq = irq;
            this.eventfd = eventfd;
            this.deassignFd = deassignFd;
        }

        void run() {
            int[] fds = {eventfd, deassignFd};
            short[] events = new short[fds.length];
            try {
                while (assigned) {
                    Linux.poll(fds, events, -1);
                    if (events[0] != 0 && Linux.eventfdConsume(eventfd) > 0 && assigned) {
                        guest.setIrqLevel(irq, true);
                        interruptsRaised.incrementAndGet();
                    }
                }
            } catch (XenException | LinuxException e) {
                if (assigned) {
                    throw new IllegalStateException("simulated irqfd of SPI " + irq + " stopped", e);
                }
            }
        }

        @Override
        public void trigger() throws XenException {
            try {
                Linux.eventfdSignal(eventfd);
            } catch (LinuxException e) {
                throw new XenException("signalling irqfd", e);
            }
        }

        @Override
        public void close() {
            assigned = false;
            try {
                Linux.eventfdSignal(deassignFd);
                thread.join();
            } catch (LinuxException e) {
                throw new IllegalStateException("waking the simulated irqfd worker", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Linux.close(eventfd);
            Linux.close(deassignFd);
        }
    }

    /** An ioeventfd signalling {@code eventfd} (taken over) for each of the queue's QueueNotify writes. */
    QueueKick ioeventfd(IoreqServer server, int[] localPorts, long notifyAddress, int queue, int eventfd) {
        Ioeventfd kick = new Ioeventfd(server, localPorts.clone(), notifyAddress, queue, eventfd);
        kick.assign();
        return kick;
    }

    private final class Ioeventfd implements QueueKick {
        private final IoreqServer server;
        private final int[] localPorts;
        private final long notifyAddress;
        private final int queue;
        private final int eventfd;
        private final IntConsumer[] handlers;
        private boolean assigned;

        Ioeventfd(IoreqServer server, int[] localPorts, long notifyAddress, int queue, int eventfd) {
            this.server = server;
            this.localPorts = localPorts;
            this.notifyAddress = notifyAddress;
            this.queue = queue;
            this.eventfd = eventfd;
            this.handlers = new IntConsumer[localPorts.length];
        }

        synchronized void assign() {
            for (int vcpu = 0; vcpu < localPorts.length; vcpu++) {
                int slotOfPort = vcpu;
                handlers[vcpu] = port -> interrupt(slotOfPort, port);
                hub.addKernelHandler(backendDomid, localPorts[vcpu], handlers[vcpu]);
            }
            assigned = true;
        }

        /** The kernel's interrupt handler for one vCPU's port. */
        private synchronized void interrupt(int vcpu, int port) {
            if (!assigned) {
                return;
            }
            IoreqSlot slot = server.slot(vcpu);
            if (slot.state() != XenAbi.STATE_IOREQ_READY || slot.type() != XenAbi.IOREQ_TYPE_COPY || slot.isRead()
                    || slot.address() != notifyAddress || slot.size() != VirtioMmio.REGISTER_SIZE
                    || (slot.data() & QUEUE_INDEX_MASK) != queue || !slot.claim()) {
                return;
            }
            try {
                Linux.eventfdSignal(eventfd);
            } catch (LinuxException e) {
                slot.setState(XenAbi.STATE_IOREQ_READY); // userspace answers it: its event follows this handler
                return;
            }
            slot.setState(XenAbi.STATE_IORESP_READY);
            notificationsCompleted.incrementAndGet();
            hub.send(backendDomid, port);
        }

        @Override
        public int eventfd() {
            return eventfd;
        }

        @Override
        public synchronized void close() {
            if (assigned) {
                assigned = false;
                for (int vcpu = 0; vcpu < localPorts.length; vcpu++) {
                    hub.removeKernelHandler(backendDomid, localPorts[vcpu], handlers[vcpu]);
                }
                Linux.close(eventfd);
            }
        }
    }

    static int eventfd(String what) throws XenException {
        try {
            return Linux.eventfd(Linux.EFD_NONBLOCK);
        } catch (LinuxException e) {
            throw new XenException("eventfd for " + what, e);
        }
    }
}
