package org.scmi.virtio.ring.split;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.scmi.virtio.device.QueueSetup;
import org.scmi.virtio.ring.RingPosition;
import org.scmi.virtio.ring.Virtqueue;
import org.scmi.virtio.ring.VirtqueueException;
import org.scmi.virtio.ring.VirtqueueFactory;

/**
 * The split-ring engine as the {@link VirtqueueFactory} service. Each revision of this bundle
 * registers its own, named after the revision, so that an administrator (and a test) can tell
 * which engine serves a queue after a live update.
 */
@Component(service = VirtqueueFactory.class)
public final class SplitQueueFactory implements VirtqueueFactory {
    private final String description;

    /** The engine outside a framework (tests, tools). */
    public SplitQueueFactory() {
        this.description = "split rings";
    }

    @Activate
    public SplitQueueFactory(BundleContext context) {
        Bundle bundle = context.getBundle();
        // The framework's name of the revision (Felix: "virtio.ring [7](R 7.1)") tells revisions apart.
        this.description = "split rings from " + bundle.adapt(BundleRevision.class) + " " + bundle.getVersion();
    }

    @Override
    public Virtqueue open(QueueSetup setup, long features, RingPosition position) throws VirtqueueException {
        return new SplitQueue(setup, features, position);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
