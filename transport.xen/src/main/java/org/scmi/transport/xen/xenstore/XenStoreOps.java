package org.scmi.transport.xen.xenstore;

import java.util.List;
import java.util.Optional;

/** The node operations, inside or outside a transaction. Paths are absolute. */
public interface XenStoreOps {

    /** The node's value, or empty if the node does not exist. */
    Optional<String> read(String path) throws XenStoreException;

    /** Writes a value, creating missing parents. */
    void write(String path, String value) throws XenStoreException;

    void mkdir(String path) throws XenStoreException;

    /** Removes a subtree; absent is fine if its parent exists. */
    void rm(String path) throws XenStoreException;

    /** Child names; empty if the node does not exist. */
    List<String> directory(String path) throws XenStoreException;
}
