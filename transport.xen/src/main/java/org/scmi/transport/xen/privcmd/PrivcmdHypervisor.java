package org.scmi.transport.xen.privcmd;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.scmi.transport.xen.XenTransport;
import org.scmi.transport.xen.XenTransportConfig;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.transport.xen.hypervisor.EventChannels;
import org.scmi.transport.xen.hypervisor.InterruptTrigger;
import org.scmi.transport.xen.hypervisor.IoreqServer;
import org.scmi.transport.xen.hypervisor.PageMapping;
import org.scmi.transport.xen.hypervisor.QueueKick;
import org.scmi.transport.xen.hypervisor.XenException;
import org.scmi.transport.xen.hypervisor.XenHypervisor;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.transport.xen.xenstore.XenStoreClient;

/**
 * The hypervisor port on a real Xen host, through the kernel's {@code /dev/xen} devices:
 * privcmd for dm_ops, ioreq pages and foreign frames, gntdev for grants (opened on first use:
 * a foreign-mapping-only dom0 needs no gntdev), evtchn handles, and XenStore through
 * xenstored's socket ({@code XENSTORED_PATH} or {@code /run/xenstored/socket}) or
 * {@code /dev/xen/xenbus}. Needs the device-model privilege over each guest (dom0, or a domain
 * whose target the guest is) and a hypervisor built with CONFIG_IOREQ_SERVER (on Arm only with
 * CONFIG_EXPERT; Debian's packages lack it and every dm_op then fails with ENOSYS).
 *
 * <p>As a component it is disabled until the Xen transport finds {@code /dev/xen/privcmd} and
 * enables it; it then registers the real hypervisor as a {@link XenHypervisor} service, opened
 * while the transport uses it.
 */
@Component(enabled = false, service = XenHypervisor.class, configurationPid = XenTransport.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class PrivcmdHypervisor implements XenHypervisor {
    private static final String XENSTORED_PATH = "XENSTORED_PATH";

    private final Privcmd privcmd;
    private final Path stateDirectory;
    private int gntdevFd = -1;

    private PrivcmdHypervisor(Privcmd privcmd, Path stateDirectory) {
        this.privcmd = privcmd;
        this.stateDirectory = stateDirectory;
    }

    /** Opens {@code /dev/xen/privcmd} (the service's activation); the transport's configuration names the state directory. */
    @Activate
    public PrivcmdHypervisor(XenTransportConfig config) throws XenException {
        this(Privcmd.open(), Path.of(config.state_dir()));
    }

    /** Whether this machine is a Xen domain with privcmd (the real port can be used). */
    public static boolean available() {
        return Files.exists(Path.of(XenAbi.PRIVCMD_DEVICE));
    }

    @Override
    public String description() {
        return "Xen through " + XenAbi.PRIVCMD_DEVICE;
    }

    @Override
    public int vcpuCount(int domid) throws XenException {
        return privcmd.nrVcpus(domid);
    }

    @Override
    public IoreqServer createIoreqServer(int domid) throws XenException {
        return PrivcmdIoreqServer.create(privcmd, domid);
    }

    @Override
    public IoreqServer openIoreqServer(int domid, int id) throws XenException {
        return PrivcmdIoreqServer.open(privcmd, domid, id);
    }

    @Override
    public void setIrqLevel(int domid, int irq, boolean high) throws XenException {
        privcmd.setIrqLevel(domid, irq, high);
    }

    @Override
    public EventChannels openEventChannels() throws XenException {
        return EvtchnDevice.open();
    }

    @Override
    public PageMapping mapForeignFrames(int domid, long firstFrame, int count, boolean writable) throws XenException {
        MemorySegment window = privcmd.mapForeign(domid, firstFrame, count);
        MemorySegment view = writable ? window : window.asReadOnly();
        return new PageMapping() {
            private boolean closed;

            @Override
            public MemorySegment segment() {
                return view;
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    Privcmd.unmap(window);
                }
            }
        };
    }

    private synchronized int gntdev() throws XenException {
        if (gntdevFd < 0) {
            try {
                gntdevFd = Linux.open(XenAbi.GNTDEV_DEVICE, Linux.O_RDWR);
            } catch (LinuxException e) {
                throw new XenException("opening " + XenAbi.GNTDEV_DEVICE, e);
            }
        }
        return gntdevFd;
    }

    @Override
    public PageMapping mapGrants(int domid, long firstRef, int count, boolean writable) throws XenException {
        return GntdevMapping.map(gntdev(), domid, firstRef, count, writable);
    }

    @Override
    public Optional<InterruptTrigger> interruptTrigger(int domid, int irq) throws XenException {
        return KernelFastPaths.irqfd(privcmd, domid, irq);
    }

    @Override
    public Optional<QueueKick> queueKick(IoreqServer server, int[] localPorts, long notifyAddress, int queue)
            throws XenException {
        return KernelFastPaths.ioeventfd(privcmd, server, localPorts, notifyAddress, queue);
    }

    @Override
    public XenStore openXenStore() throws IOException {
        String socket = System.getenv().getOrDefault(XENSTORED_PATH, XenAbi.XENSTORED_SOCKET);
        return XenStoreClient.connectDefault(socket, XenAbi.XENBUS_DEVICE);
    }

    @Override
    public Path stateDirectory() {
        return stateDirectory;
    }

    @Override
    @Deactivate
    public synchronized void close() {
        privcmd.close();
        Linux.close(gntdevFd);
        gntdevFd = -1;
    }
}
