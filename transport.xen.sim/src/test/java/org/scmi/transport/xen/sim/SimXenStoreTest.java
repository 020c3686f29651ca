package org.scmi.transport.xen.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.xen.xenstore.XenStore;
import org.scmi.transport.xen.xenstore.XenStoreClient;
import org.scmi.transport.xen.xenstore.XenStoreException;

/** Our XenStore client against the simulated store, over the real wire protocol on a socket. */
class SimXenStoreTest {
    @TempDir
    Path dir;
    private SimXenStore store;
    private XenStoreClient client;

    @BeforeEach
    void start() throws IOException {
        store = new SimXenStore(dir.resolve("xs.sock"));
        client = XenStoreClient.connectSocket(store.socketPath());
    }

    @AfterEach
    void stop() {
        client.close();
        store.close();
    }

    @Test
    void writeCreatesParentsAndReadsBack() throws Exception {
        client.write("/local/domain/0/backend/virtio/5/0/state", "1");
        assertEquals(Optional.of("1"), client.read("/local/domain/0/backend/virtio/5/0/state"));
        assertEquals(List.of("0"), client.directory("/local/domain/0/backend/virtio/5"));
        assertEquals(Optional.of(""), client.read("/local/domain/0/backend/virtio/5"));
        assertEquals(Optional.empty(), client.read("/local/domain/0/nothing"));
        assertEquals(List.of(), client.directory("/local/domain/0/nothing"));
        assertEquals("/local/domain/7", client.domainPath(7));
    }

    @Test
    void rmRemovesSubtreeAndNeedsParent() throws Exception {
        client.write("/a/b/c", "x");
        client.rm("/a/b");
        assertEquals(Optional.empty(), client.read("/a/b/c"));
        assertEquals(List.of(), client.directory("/a"));
        client.rm("/a/gone"); // absent with existing parent: fine
        XenStoreException e = assertThrows(XenStoreException.class, () -> client.rm("/nowhere/gone"));
        assertEquals("ENOENT", e.error());
    }

    @Test
    void invalidPathsAreRejectedByName() {
        XenStoreException e = assertThrows(XenStoreException.class, () -> client.write("/bad//path", "1"));
        assertEquals("EINVAL", e.error());
        e = assertThrows(XenStoreException.class, () -> client.write("/bad path", "1"));
        assertEquals("EINVAL", e.error());
    }

    @Test
    void permissionsAreStoredAndInherited() throws Exception {
        client.mkdir("/local/domain/0/backend/virtio/3/0");
        client.setPermissions("/local/domain/0/backend/virtio/3/0", List.of("n0", "r3"));
        client.write("/local/domain/0/backend/virtio/3/0/state", "1");
        assertEquals(List.of("n0", "r3"), client.getPermissions("/local/domain/0/backend/virtio/3/0/state"));
        XenStoreException e = assertThrows(XenStoreException.class,
                () -> client.setPermissions("/local/domain/0/backend/virtio/3/0", List.of("x0")));
        assertEquals("EINVAL", e.error());
    }

    @Test
    void watchFiresOnRegistrationChangeAndRemoval() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        client.mkdir("/w");
        try (XenStore.Watch watch = client.watch("/w", events::add)) {
            assertEquals("/w", events.poll(5, TimeUnit.SECONDS));
            client.write("/w/x/y", "1");
            assertEquals("/w/x", events.poll(5, TimeUnit.SECONDS));
            assertEquals("/w/x/y", events.poll(5, TimeUnit.SECONDS));
            client.write("/other", "1");
            client.rm("/w/x");
            assertEquals("/w/x", events.poll(5, TimeUnit.SECONDS));
        }
        client.write("/w/z", "1");
        assertEquals(null, events.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void watchBelowRemovedNodeFiresWithItsOwnPath() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        client.write("/top/mid/leaf", "1");
        try (XenStore.Watch watch = client.watch("/top/mid/leaf", events::add)) {
            assertEquals("/top/mid/leaf", events.poll(5, TimeUnit.SECONDS));
            client.rm("/top");
            assertEquals("/top/mid/leaf", events.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void transactionIsAtomicAndWatchesFireAtCommit() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        client.mkdir("/t");
        try (XenStore.Watch watch = client.watch("/t", events::add)) {
            events.poll(5, TimeUnit.SECONDS);
            CountDownLatch inside = new CountDownLatch(1);
            client.transaction(ops -> {
                ops.write("/t/a", "1");
                ops.write("/t/b", "2");
                inside.countDown();
                return null;
            });
            assertEquals(0, inside.getCount());
            assertEquals("/t/a", events.poll(5, TimeUnit.SECONDS));
            assertEquals("/t/b", events.poll(5, TimeUnit.SECONDS));
        }
        assertEquals(Optional.of("2"), client.read("/t/b"));
    }

    @Test
    void conflictingTransactionIsRedone() throws Exception {
        client.write("/c/counter", "0");
        AtomicInteger attempts = new AtomicInteger();
        try (XenStoreClient other = XenStoreClient.connectSocket(store.socketPath())) {
            client.transaction(ops -> {
                int value = Integer.parseInt(ops.read("/c/counter").orElseThrow());
                if (attempts.incrementAndGet() == 1) {
                    other.write("/c/counter", "10"); // a concurrent change makes the first commit fail
                }
                ops.write("/c/counter", Integer.toString(value + 1));
                return null;
            });
        }
        assertEquals(2, attempts.get());
        assertEquals(Optional.of("11"), client.read("/c/counter"));
    }

    @Test
    void abortedTransactionLeavesNothing() throws Exception {
        assertThrows(IllegalStateException.class, () -> client.transaction(ops -> {
            ops.write("/ab/x", "1");
            throw new IllegalStateException("changed my mind");
        }));
        assertEquals(Optional.empty(), client.read("/ab/x"));
    }

    @Test
    void socketIsRemovedOnClose() throws Exception {
        assertTrue(Files.exists(store.socketPath()));
        client.close();
        store.close();
        assertTrue(Files.notExists(store.socketPath()));
    }
}
