package org.scmi.transport.xen.port;

import java.lang.foreign.MemorySegment;

/** Guest pages mapped into this process (grants or foreign frames); closing unmaps them. */
public interface PageMapping extends AutoCloseable {

    /** The mapping, {@code pages * 4096} bytes; read-only if mapped read-only. */
    MemorySegment segment();

    @Override
    void close();
}
