package org.scmi.transport.xen.xenstore;

import java.util.List;
import java.util.function.Consumer;

/**
 * A XenStore connection: node operations, permissions, transactions and watches. Watch callbacks
 * run on one thread per connection, in the order the events arrived; they may call back into the
 * store.
 */
public interface XenStore extends XenStoreOps, AutoCloseable {

    /** Permission strings ({@code r<domid>}, {@code w<domid>}, {@code b<domid>}, {@code n<domid>}); first = owner. */
    List<String> getPermissions(String path) throws XenStoreException;

    void setPermissions(String path, List<String> permissions) throws XenStoreException;

    /** A body run inside a transaction; it may run several times if commits conflict. */
    @FunctionalInterface
    interface Transactional<T> {
        T run(XenStoreOps ops) throws XenStoreException;
    }

    /** Runs {@code body} in a transaction, redoing it while the commit reports a conflict (EAGAIN). */
    <T> T transaction(Transactional<T> body) throws XenStoreException;

    /** A registered watch; closing it unregisters it. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Watches a path and its descendants. The store fires once right away with the watched path,
     * then for every change; events may be spurious, so callers re-read.
     *
     * @param onEvent receives the path that changed
     */
    Watch watch(String path, Consumer<String> onEvent) throws XenStoreException;

    /** {@code /local/domain/<domid>} as the store reports it. */
    String domainPath(int domid) throws XenStoreException;

    @Override
    void close();
}
