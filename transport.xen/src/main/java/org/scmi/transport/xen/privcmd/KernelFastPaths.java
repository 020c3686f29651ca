package org.scmi.transport.xen.privcmd;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.scmi.transport.xen.abi.XenAbi.offset;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.abi.VirtioMmio;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.InterruptTrigger;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.QueueKick;
import org.scmi.transport.xen.hypervisor.XenException;

/**
 * privcmd's eventfd paths (CONFIG_XEN_PRIVCMD_EVENTFD): IRQFD re-issues a set_irq_level dm_op each
 * time its eventfd is signalled (Linux 6.6; number changed to {@code _IOW} in 6.7 and 6.6.y),
 * IOEVENTFD completes QueueNotify ioreqs in the kernel and signals an eventfd (Linux 6.7). Stock
 * distribution kernels lack them: ENOTTY/EOPNOTSUPP/EINVAL mean "not here", and the caller keeps
 * the plain path.
 */
final class KernelFastPaths {
    private static final int ENOTTY = 25;
    private static final int EOPNOTSUPP = 95;
    private static final int EINVAL = 22;

    private KernelFastPaths() {
    }

    private static boolean absent(LinuxException e) {
        return e.errno() == ENOTTY || e.errno() == EOPNOTSUPP || e.errno() == EINVAL;
    }

    static Optional<InterruptTrigger> irqfd(Privcmd privcmd, int domid, int irq) throws XenException {
        int eventfd;
        try {
            eventfd = Linux.eventfd(Linux.EFD_NONBLOCK);
        } catch (LinuxException e) {
            throw new XenException("eventfd for irqfd", e);
        }
        long number = XenAbi.IOCTL_PRIVCMD_IRQFD;
        try {
            try {
                irqfdIoctl(privcmd, number, eventfd, domid, irq, 0);
            } catch (LinuxException e) {
                if (e.errno() != ENOTTY) {
                    throw e;
                }
                number = XenAbi.IOCTL_PRIVCMD_IRQFD_6_6;
                irqfdIoctl(privcmd, number, eventfd, domid, irq, 0);
            }
        } catch (LinuxException e) {
            Linux.close(eventfd);
            if (absent(e)) {
                return Optional.empty();
            }
            throw new XenException("irqfd for SPI " + irq + " of domain " + domid, e);
        }
        long assigned = number;
        return Optional.of(new InterruptTrigger() {
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
                try {
                    irqfdIoctl(privcmd, assigned, eventfd, domid, irq, XenAbi.PRIVCMD_IRQFD_FLAG_DEASSIGN);
                } catch (LinuxException e) {
                    // the guest is gone: the kernel dropped the irqfd with it
                }
                Linux.close(eventfd);
            }
        });
    }

    private static void irqfdIoctl(Privcmd privcmd, long number, int eventfd, int domid, int irq, int flags)
            throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = Privcmd.setIrqLevelOp(arena, irq, true);
            MemorySegment call = arena.allocate(XenAbi.PRIVCMD_IRQFD);
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_IRQFD, "dm_op"), op.address());
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_IRQFD, "size"), (int) op.byteSize());
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_IRQFD, "fd"), eventfd);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_IRQFD, "flags"), flags);
            call.set(JAVA_SHORT, offset(XenAbi.PRIVCMD_IRQFD, "dom"), (short) domid);
            Linux.ioctl(privcmd.fd(), number, call);
        }
    }

    static Optional<QueueKick> ioeventfd(Privcmd privcmd, IoreqServer server, int[] localPorts, long notifyAddress,
            int queue) throws XenException {
        int eventfd;
        try {
            eventfd = Linux.eventfd(Linux.EFD_NONBLOCK);
        } catch (LinuxException e) {
            throw new XenException("eventfd for ioeventfd", e);
        }
        try {
            ioeventfdIoctl(privcmd, server, localPorts, notifyAddress, queue, eventfd, 0);
        } catch (LinuxException e) {
            Linux.close(eventfd);
            if (absent(e)) {
                return Optional.empty();
            }
            throw new XenException("ioeventfd for queue " + queue + " of domain " + server.domid(), e);
        }
        return Optional.of(new QueueKick() {
            @Override
            public int eventfd() {
                return eventfd;
            }

            @Override
            public void close() {
                try {
                    ioeventfdIoctl(privcmd, server, localPorts, notifyAddress, queue, eventfd,
                            XenAbi.PRIVCMD_IOEVENTFD_FLAG_DEASSIGN);
                } catch (LinuxException e) {
                    // the guest is gone: the kernel dropped the ioeventfd with it
                }
                Linux.close(eventfd);
            }
        });
    }

    private static void ioeventfdIoctl(Privcmd privcmd, IoreqServer server, int[] localPorts, long notifyAddress,
            int queue, int eventfd, int flags) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ports = arena.allocate(JAVA_INT, localPorts.length);
            for (int i = 0; i < localPorts.length; i++) {
                ports.setAtIndex(JAVA_INT, i, localPorts[i]);
            }
            MemorySegment call = arena.allocate(XenAbi.PRIVCMD_IOEVENTFD);
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_IOEVENTFD, "ioreq"), server.page().address());
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_IOEVENTFD, "ports"), ports.address());
            call.set(JAVA_LONG, offset(XenAbi.PRIVCMD_IOEVENTFD, "addr"), notifyAddress);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_IOEVENTFD, "addr_len"), VirtioMmio.REGISTER_SIZE);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_IOEVENTFD, "event_fd"), eventfd);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_IOEVENTFD, "vcpus"), localPorts.length);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_IOEVENTFD, "vq"), queue);
            call.set(JAVA_INT, offset(XenAbi.PRIVCMD_IOEVENTFD, "flags"), flags);
            call.set(JAVA_SHORT, offset(XenAbi.PRIVCMD_IOEVENTFD, "dom"), (short) server.domid());
            Linux.ioctl(privcmd.fd(), XenAbi.IOCTL_PRIVCMD_IOEVENTFD, call);
        }
    }
}
