package org.scmi.transport.xen.hypervisor;

import java.lang.foreign.MemorySegment;
import org.osgi.annotation.versioning.ProviderType;

/** Guest pages mapped into this process (grants or foreign frames); closing unmaps them. */
@ProviderType
public interface PageMapping extends AutoCloseable {

    /** The mapping, {@code pages * 4096} bytes; read-only if mapped read-only. */
    MemorySegment segment();

    @Override
    void close();
}
