package org.scmi.transport.xen.sim;

import static org.scmi.transport.xen.sim.XenStoreTree.EINVAL;
import static org.scmi.transport.xen.sim.XenStoreTree.ENOENT;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.scmi.transport.xen.sim.XenStoreTree.StoreError;
import org.scmi.transport.xen.xenstore.SocketXsChannel;
import org.scmi.transport.xen.xenstore.XsWire.Message;
import org.scmi.transport.xen.xenstore.XsWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A XenStore server speaking the real wire protocol on a Unix socket, so that libxenstore's tools
 * ({@code XENSTORED_PATH=<socket> xenstore-ls}) and our client both work against it. Implements
 * READ, WRITE, MKDIR, RM, DIRECTORY, GET/SET_PERMS, WATCH/UNWATCH with WATCH_EVENT (once on
 * registration, then on every change of the path or a descendant, and for watches below a removed
 * node), TRANSACTION_START/END with conflict detection (EAGAIN), GET_DOMAIN_PATH,
 * IS_DOMAIN_INTRODUCED and RESET_WATCHES; anything else gets ERROR "ENOSYS". Socket connections
 * act for the privileged domain 0, as with xenstored's socket.
 *
 * <p>Threads: one acceptor, one reader per connection. All requests are applied under one lock;
 * replies and the watch events they cause are written after it is released, reply first.
 */
public final class SimXenStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimXenStore.class);
    private static final int SOCKET_DOMID = 0;
    private static final String ENOSYS = "ENOSYS";
    private static final String EAGAIN = "EAGAIN";
    private static final String LOCAL_DOMAIN = "/local/domain/";

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Object lock = new Object();
    private final XenStoreTree tree = new XenStoreTree();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private final Thread acceptor;
    private int nextTransaction = 1;
    private volatile boolean closed;

    private record Watch(Connection connection, String path, String token) {
    }

    /** A transaction: a private view, what it looked at, and the changes to replay at commit. */
    private static final class Transaction {
        final XenStoreTree view;
        final long startGeneration;
        final Set<String> touched = new HashSet<>();
        final List<Mutation> mutations = new ArrayList<>();

        Transaction(XenStoreTree main) {
            this.view = main.snapshot();
            this.startGeneration = main.generation();
        }
    }

    @FunctionalInterface
    private interface Mutation {
        List<String> apply(XenStoreTree tree) throws StoreError;
    }

    /** Creates the store (with dom0's home) and listens on {@code socketPath}. */
    public SimXenStore(Path socketPath) throws IOException {
        this.socketPath = socketPath;
        try {
            tree.write(SOCKET_DOMID, "/local/domain/0/name", bytes("Domain-0"));
            tree.write(SOCKET_DOMID, "/local/domain/0/domid", bytes("0"));
        } catch (StoreError e) {
            throw new IllegalStateException(e);
        }
        Files.deleteIfExists(socketPath);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        acceptor = Thread.ofPlatform().daemon().name("sim-xenstored").start(this::acceptLoop);
    }

    public Path socketPath() {
        return socketPath;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel socket = server.accept();
                Connection connection = new Connection(new SocketXsChannel(socket), SOCKET_DOMID);
                connections.add(connection);
                Thread.ofPlatform().daemon().name("sim-xenstored-conn").start(connection::serve);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("simulated XenStore stopped accepting: {}", e.getMessage());
                }
                return;
            }
        }
    }

    /** Fires the watches on a special path such as {@link XsWire#RELEASE_DOMAIN}. */
    public void fireSpecial(String specialPath) {
        List<Runnable> sends = new ArrayList<>();
        synchronized (lock) {
            for (Watch watch : watches) {
                if (watch.path().equals(specialPath)) {
                    sends.add(watch.connection().eventSender(specialPath, watch.token()));
                }
            }
        }
        sends.forEach(Runnable::run);
    }

    private final class Connection {
        private final SocketXsChannel channel;
        private final int domid;
        private final Map<Integer, Transaction> transactions = new HashMap<>();

        Connection(SocketXsChannel channel, int domid) {
            this.channel = channel;
            this.domid = domid;
        }

        void serve() {
            try {
                while (!closed) {
                    Message request = channel.receive();
                    List<Runnable> after = new ArrayList<>();
                    Message reply;
                    synchronized (lock) {
                        reply = handle(request, after);
                    }
                    send(reply);
                    after.forEach(Runnable::run);
                }
            } catch (IOException e) {
                LOG.debug("simulated XenStore connection ended: {}", e.getMessage());
            } finally {
                drop();
            }
        }

        private void drop() {
            synchronized (lock) {
                watches.removeIf(w -> w.connection() == this);
                transactions.clear();
            }
            connections.remove(this);
            channel.close();
        }

        synchronized void send(Message message) {
            try {
                channel.send(message);
            } catch (IOException e) {
                channel.close(); // the reader notices and drops the connection
            }
        }

        Runnable eventSender(String path, String token) {
            return () -> send(new Message(XsWire.XS_WATCH_EVENT, 0, 0, XsWire.strings(path, token)));
        }

        private String absolute(String path) throws StoreError {
            if (path.isEmpty()) {
                throw new StoreError(EINVAL);
            }
            return path.startsWith("/") ? path : LOCAL_DOMAIN + domid + "/" + path;
        }

        /** Runs under the store lock; {@code after} collects the watch events to send after the reply. */
        private Message handle(Message request, List<Runnable> after) {
            try {
                byte[] payload = switch (request.type()) {
                    case XsWire.XS_READ -> read(request);
                    case XsWire.XS_DIRECTORY -> directory(request);
                    case XsWire.XS_GET_PERMS -> getPermissions(request);
                    case XsWire.XS_WRITE -> write(request, after);
                    case XsWire.XS_MKDIR -> mutate(request, after, (t, p) -> t.mkdir(domid, p));
                    case XsWire.XS_RM -> mutate(request, after, (t, p) -> t.rm(domid, p));
                    case XsWire.XS_SET_PERMS -> setPermissions(request, after);
                    case XsWire.XS_WATCH -> watch(request, after);
                    case XsWire.XS_UNWATCH -> unwatch(request);
                    case XsWire.XS_TRANSACTION_START -> startTransaction(request);
                    case XsWire.XS_TRANSACTION_END -> endTransaction(request, after);
                    case XsWire.XS_GET_DOMAIN_PATH -> XsWire.strings(LOCAL_DOMAIN + domidArgument(request));
                    case XsWire.XS_IS_DOMAIN_INTRODUCED -> XsWire.strings(
                            tree.directory(SOCKET_DOMID, "/local/domain").contains(
                                    Integer.toString(domidArgument(request))) ? "T" : "F");
                    case XsWire.XS_RESET_WATCHES -> {
                        watches.removeIf(w -> w.connection() == this);
                        transactions.clear();
                        yield XsWire.strings(XsWire.OK);
                    }
                    default -> throw new StoreError(ENOSYS);
                };
                return new Message(request.type(), request.reqId(), request.txId(), payload);
            } catch (StoreError e) {
                return new Message(XsWire.XS_ERROR, request.reqId(), request.txId(), XsWire.strings(e.getMessage()));
            }
        }

        private String pathArgument(Message request) throws StoreError {
            List<String> fields = request.strings();
            if (fields.isEmpty()) {
                throw new StoreError(EINVAL);
            }
            String path = absolute(fields.get(0));
            XenStoreTree.checkPath(path);
            return path;
        }

        private int domidArgument(Message request) throws StoreError {
            try {
                return Integer.parseInt(request.text());
            } catch (NumberFormatException e) {
                throw new StoreError(EINVAL);
            }
        }

        /** The tree a request works on: the transaction's view, or the store. */
        private XenStoreTree treeFor(Message request) throws StoreError {
            if (request.txId() == 0) {
                return tree;
            }
            Transaction transaction = transactions.get(request.txId());
            if (transaction == null) {
                throw new StoreError(ENOENT);
            }
            return transaction.view;
        }

        private void touch(Message request, String path) {
            Transaction transaction = transactions.get(request.txId());
            if (transaction != null) {
                transaction.touched.add(path);
            }
        }

        private byte[] read(Message request) throws StoreError {
            String path = pathArgument(request);
            touch(request, path);
            return treeFor(request).read(domid, path);
        }

        private byte[] directory(Message request) throws StoreError {
            String path = pathArgument(request);
            touch(request, path);
            return XsWire.strings(treeFor(request).directory(domid, path));
        }

        private byte[] getPermissions(Message request) throws StoreError {
            String path = pathArgument(request);
            touch(request, path);
            return XsWire.strings(treeFor(request).permissions(domid, path));
        }

        private byte[] write(Message request, List<Runnable> after) throws StoreError {
            int nul = XsWire.firstNul(request.payload());
            if (nul < 0) {
                throw new StoreError(EINVAL);
            }
            byte[] value = java.util.Arrays.copyOfRange(request.payload(), nul + 1, request.payload().length);
            return mutate(request, after, (t, p) -> t.write(domid, p, value));
        }

        private byte[] setPermissions(Message request, List<Runnable> after) throws StoreError {
            List<String> permissions = request.strings().subList(Math.min(1, request.strings().size()),
                    request.strings().size());
            return mutate(request, after, (t, p) -> t.setPermissions(domid, p, permissions));
        }

        @FunctionalInterface
        private interface PathMutation {
            List<String> apply(XenStoreTree tree, String path) throws StoreError;
        }

        /** Applies a change now, or in the transaction's view and again at commit. */
        private byte[] mutate(Message request, List<Runnable> after, PathMutation change) throws StoreError {
            String path = pathArgument(request);
            if (request.txId() == 0) {
                fire(change.apply(tree, path), after);
            } else {
                Transaction transaction = transactions.get(request.txId());
                if (transaction == null) {
                    throw new StoreError(ENOENT);
                }
                change.apply(transaction.view, path);
                transaction.touched.add(path);
                transaction.touched.add(XenStoreTree.parentOf(path));
                transaction.mutations.add(t -> change.apply(t, path));
            }
            return XsWire.strings(XsWire.OK);
        }

        private byte[] watch(Message request, List<Runnable> after) throws StoreError {
            List<String> fields = request.strings();
            if (fields.size() < 2) {
                throw new StoreError(EINVAL);
            }
            String path = fields.get(0);
            if (!path.startsWith("@")) {
                XenStoreTree.checkPath(absolute(path));
            }
            Watch watch = new Watch(this, path, fields.get(1));
            if (watches.contains(watch)) {
                throw new StoreError(XenStoreTree.EEXIST);
            }
            watches.add(watch);
            after.add(eventSender(path, watch.token()));
            return XsWire.strings(XsWire.OK);
        }

        private byte[] unwatch(Message request) throws StoreError {
            List<String> fields = request.strings();
            if (fields.size() < 2 || !watches.remove(new Watch(this, fields.get(0), fields.get(1)))) {
                throw new StoreError(ENOENT);
            }
            return XsWire.strings(XsWire.OK);
        }

        private byte[] startTransaction(Message request) throws StoreError {
            if (request.txId() != 0) {
                throw new StoreError(EINVAL);
            }
            int id = nextTransaction++;
            transactions.put(id, new Transaction(tree));
            return XsWire.strings(Integer.toString(id));
        }

        private byte[] endTransaction(Message request, List<Runnable> after) throws StoreError {
            Transaction transaction = transactions.remove(request.txId());
            if (transaction == null) {
                throw new StoreError(ENOENT);
            }
            String verdict = request.text();
            if (XsWire.ABORT.equals(verdict)) {
                return XsWire.strings(XsWire.OK);
            }
            if (!XsWire.COMMIT.equals(verdict)) {
                throw new StoreError(EINVAL);
            }
            for (String path : transaction.touched) {
                if (tree.changedSince(path, transaction.startGeneration)) {
                    throw new StoreError(EAGAIN);
                }
            }
            List<String> changed = new ArrayList<>();
            for (Mutation mutation : transaction.mutations) {
                changed.addAll(mutation.apply(tree));
            }
            fire(changed, after);
            return XsWire.strings(XsWire.OK);
        }

        private String asRegistered(Watch watch, String absolute) {
            if (watch.path().startsWith("/")) {
                return absolute;
            }
            String home = LOCAL_DOMAIN + watch.connection().domid + "/";
            return absolute.startsWith(home) ? absolute.substring(home.length()) : absolute;
        }

        /** Queues the events the changed paths cause, for every connection's matching watches. */
        private void fire(List<String> changed, List<Runnable> after) throws StoreError {
            for (String path : changed) {
                for (Watch watch : watches) {
                    if (watch.path().startsWith("@")) {
                        continue;
                    }
                    String watched = watch.connection().absolute(watch.path());
                    if (path.equals(watched) || "/".equals(watched) || path.startsWith(watched + "/")) {
                        after.add(watch.connection().eventSender(asRegistered(watch, path), watch.token()));
                    } else if (watched.startsWith(path + "/") && tree.paths(watched).isEmpty()) {
                        // a node above the watched one went away (rm of a subtree)
                        after.add(watch.connection().eventSender(watch.path(), watch.token()));
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the simulated XenStore socket: {}", e.getMessage());
        }
        for (Connection connection : connections) {
            connection.channel.close();
        }
        try {
            acceptor.join(1000);
            Files.deleteIfExists(socketPath);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("removing {}: {}", socketPath, e.getMessage());
        }
    }
}
