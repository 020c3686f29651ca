package org.scmi.transport.xen.xenstore;

import static org.scmi.transport.xen.xenstore.XsWire.strings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A XenStore client over any {@link XsChannel}. Requests are sent one at a time (a lock), so the
 * next non-event message is always the reply to the request in flight; this also copes with the
 * xenbus device, which does not echo {@code req_id} in the replies it makes itself. A reader
 * thread takes every message off the channel; watch events go to one callback thread per
 * connection, so a callback may issue requests.
 */
public final class XenStoreClient implements XenStore {
    private static final Logger LOG = LoggerFactory.getLogger(XenStoreClient.class);
    /** How long a request waits for its reply before the connection is considered broken. */
    private static final long REPLY_TIMEOUT_SECONDS = 30;
    /** Commits retried this often on EAGAIN before giving up. */
    private static final int MAX_TRANSACTION_ATTEMPTS = 16;
    private static final String EAGAIN = "EAGAIN";
    private static final String ENOENT = "ENOENT";

    private final XsChannel channel;
    private final String name;
    private final ReentrantLock requestLock = new ReentrantLock();
    private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    private final Map<String, Consumer<String>> watches = new ConcurrentHashMap<>();
    private final AtomicInteger nextRequestId = new AtomicInteger(1);
    private final AtomicInteger nextToken = new AtomicInteger(1);
    private final ExecutorService events;
    private final Thread reader;
    private volatile boolean closed;

    /**
     * @param channel the connection; owned (closed) by this client
     * @param name for thread names and logs
     */
    public XenStoreClient(XsChannel channel, String name) {
        this.channel = channel;
        this.name = name;
        this.events = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("xenstore-watch-" + name)
                .factory());
        this.reader = Thread.ofPlatform().daemon().name("xenstore-reader-" + name).start(this::readLoop);
    }

    /** Connects to a store's Unix socket. */
    public static XenStoreClient connectSocket(Path socket) throws IOException {
        return new XenStoreClient(SocketXsChannel.connect(socket), socket.getFileName().toString());
    }

    /**
     * Connects the way libxenstore does: the socket at {@code XENSTORED_PATH} or xenstored's
     * default socket if present, else the xenbus device.
     */
    public static XenStoreClient connectDefault(String socketPath, String xenbusDevice) throws IOException {
        Path socket = Path.of(socketPath);
        if (Files.exists(socket)) {
            return connectSocket(socket);
        }
        return new XenStoreClient(DeviceXsChannel.open(xenbusDevice), "xenbus");
    }

    private void readLoop() {
        try {
            while (!closed) {
                XsWire.Message message = channel.receive();
                if (message.type() == XsWire.XS_WATCH_EVENT) {
                    dispatchEvent(message);
                } else {
                    replies.add(message);
                }
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.warn("XenStore connection {} lost: {}", name, e.getMessage());
                replies.add(e);
            }
        }
    }

    private void dispatchEvent(XsWire.Message message) {
        List<String> fields = message.strings();
        if (fields.size() < 2) {
            LOG.warn("XenStore {}: malformed watch event ignored", name);
            return;
        }
        Consumer<String> callback = watches.get(fields.get(1));
        if (callback == null) {
            return; // an event still queued for a watch just removed
        }
        String path = fields.get(0);
        events.execute(() -> {
            try {
                callback.accept(path);
            } catch (RuntimeException e) {
                LOG.error("XenStore {}: watch callback for {} failed", name, path, e);
            }
        });
    }

    private XsWire.Message request(int type, int txId, byte[] payload, String what) throws XenStoreException {
        if (closed) {
            throw new XenStoreException(what + ": connection closed", (String) null);
        }
        requestLock.lock();
        try {
            int reqId = nextRequestId.getAndIncrement();
            try {
                channel.send(new XsWire.Message(type, reqId, txId, payload));
            } catch (IOException e) {
                throw new XenStoreException(what + ": " + e.getMessage(), e);
            }
            Object reply;
            try {
                reply = replies.poll(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new XenStoreException(what + ": interrupted", e);
            }
            if (reply == null) {
                // A reply arriving later would be taken for the next request's: give the connection up.
                closed = true;
                channel.close();
                throw new XenStoreException(what + ": no reply within " + REPLY_TIMEOUT_SECONDS + " s", (String) null);
            }
            if (reply instanceof IOException e) {
                replies.add(e); // every later request fails the same way
                throw new XenStoreException(what + ": " + e.getMessage(), e);
            }
            XsWire.Message message = (XsWire.Message) reply;
            if (message.type() == XsWire.XS_ERROR) {
                throw new XenStoreException(what, message.text());
            }
            if (message.type() != type) {
                throw new XenStoreException(what + ": reply of type " + message.type() + " to request of type " + type,
                        (String) null);
            }
            return message;
        } finally {
            requestLock.unlock();
        }
    }

    /** Node operations bound to a transaction id (0 = none). */
    private final class Ops implements XenStoreOps {
        private final int txId;

        Ops(int txId) {
            this.txId = txId;
        }

        @Override
        public Optional<String> read(String path) throws XenStoreException {
            try {
                byte[] value = request(XsWire.XS_READ, txId, strings(path), "read " + path).payload();
                return Optional.of(new String(value, StandardCharsets.UTF_8));
            } catch (XenStoreException e) {
                if (e.is(ENOENT)) {
                    return Optional.empty();
                }
                throw e;
            }
        }

        @Override
        public void write(String path, String value) throws XenStoreException {
            request(XsWire.XS_WRITE, txId, XsWire.stringThenBytes(path, value.getBytes(StandardCharsets.UTF_8)),
                    "write " + path);
        }

        @Override
        public void mkdir(String path) throws XenStoreException {
            request(XsWire.XS_MKDIR, txId, strings(path), "mkdir " + path);
        }

        @Override
        public void rm(String path) throws XenStoreException {
            request(XsWire.XS_RM, txId, strings(path), "rm " + path);
        }

        @Override
        public List<String> directory(String path) throws XenStoreException {
            try {
                return request(XsWire.XS_DIRECTORY, txId, strings(path), "directory " + path).strings();
            } catch (XenStoreException e) {
                if (e.is(ENOENT)) {
                    return List.of();
                }
                throw e;
            }
        }
    }

    private final Ops plain = new Ops(0);

    @Override
    public Optional<String> read(String path) throws XenStoreException {
        return plain.read(path);
    }

    @Override
    public void write(String path, String value) throws XenStoreException {
        plain.write(path, value);
    }

    @Override
    public void mkdir(String path) throws XenStoreException {
        plain.mkdir(path);
    }

    @Override
    public void rm(String path) throws XenStoreException {
        plain.rm(path);
    }

    @Override
    public List<String> directory(String path) throws XenStoreException {
        return plain.directory(path);
    }

    @Override
    public List<String> getPermissions(String path) throws XenStoreException {
        return request(XsWire.XS_GET_PERMS, 0, strings(path), "get-perms " + path).strings();
    }

    @Override
    public void setPermissions(String path, List<String> permissions) throws XenStoreException {
        List<String> fields = new ArrayList<>();
        fields.add(path);
        fields.addAll(permissions);
        request(XsWire.XS_SET_PERMS, 0, strings(fields), "set-perms " + path);
    }

    @Override
    public <T> T transaction(Transactional<T> body) throws XenStoreException {
        for (int attempt = 1; ; attempt++) {
            String id = request(XsWire.XS_TRANSACTION_START, 0, strings(""), "transaction start").text();
            int txId;
            try {
                txId = Integer.parseUnsignedInt(id);
            } catch (NumberFormatException e) {
                throw new XenStoreException("transaction start: bad id '" + id + "'", (String) null);
            }
            T result;
            try {
                result = body.run(new Ops(txId));
            } catch (XenStoreException | RuntimeException e) {
                try {
                    request(XsWire.XS_TRANSACTION_END, txId, strings(XsWire.ABORT), "transaction abort");
                } catch (XenStoreException abortFailed) {
                    e.addSuppressed(abortFailed);
                }
                throw e;
            }
            try {
                request(XsWire.XS_TRANSACTION_END, txId, strings(XsWire.COMMIT), "transaction commit");
                return result;
            } catch (XenStoreException e) {
                if (!e.is(EAGAIN) || attempt >= MAX_TRANSACTION_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public Watch watch(String path, Consumer<String> onEvent) throws XenStoreException {
        String token = name + "-" + nextToken.getAndIncrement();
        watches.put(token, onEvent);
        try {
            request(XsWire.XS_WATCH, 0, strings(path, token), "watch " + path);
        } catch (XenStoreException e) {
            watches.remove(token);
            throw e;
        }
        return () -> {
            watches.remove(token);
            try {
                request(XsWire.XS_UNWATCH, 0, strings(path, token), "unwatch " + path);
            } catch (XenStoreException e) {
                LOG.debug("XenStore {}: unwatch {} failed: {}", name, path, e.getMessage());
            }
        };
    }

    @Override
    public String domainPath(int domid) throws XenStoreException {
        return request(XsWire.XS_GET_DOMAIN_PATH, 0, strings(Integer.toString(domid)), "get-domain-path " + domid).text();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        channel.close();
        events.shutdown();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
