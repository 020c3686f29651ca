package org.scmi.transport.xen.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.xen.xenstore.XenStoreClient;

/**
 * The genuine libxenstore clients (Debian {@code xenstore-utils}, installed by
 * {@code scripts/install-test-deps.sh}) against the simulated store, with
 * {@code XENSTORED_PATH} pointing at its socket.
 */
class XenstoreUtilsInteropTest {
    private static final Path TOOLS = Path.of("/usr/bin");

    @TempDir
    Path dir;
    private SimXenStore store;
    private XenStoreClient client;

    @BeforeAll
    static void toolsInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(TOOLS.resolve("xenstore-read")),
                "xenstore-utils is not installed: run scripts/install-test-deps.sh (./run-tests does)");
    }

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

    private record Result(int exit, String out) {
    }

    private Process launch(String... command) throws IOException {
        List<String> line = new ArrayList<>();
        line.add(TOOLS.resolve(command[0]).toString());
        line.addAll(List.of(command).subList(1, command.length));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().put("XENSTORED_PATH", store.socketPath().toString());
        return builder.start();
    }

    private Result run(String... command) throws Exception {
        Process process = launch(command);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void toolsWriteAndOurClientReads() throws Exception {
        // several keys: the tool wraps them in a transaction
        Result write = run("xenstore-write", "/local/domain/0/backend/virtio/4/0/type", "virtio,device20",
                "/local/domain/0/backend/virtio/4/0/irq", "33");
        assertEquals(0, write.exit(), write.out());
        assertEquals(Optional.of("virtio,device20"), client.read("/local/domain/0/backend/virtio/4/0/type"));
        assertEquals(Optional.of("33"), client.read("/local/domain/0/backend/virtio/4/0/irq"));
    }

    @Test
    void ourClientWritesAndToolsRead() throws Exception {
        client.write("/local/domain/0/backend/virtio/4/0/base", "0x2000000");
        client.write("/local/domain/0/backend/virtio/4/0/state", "4");
        assertEquals(new Result(0, "0x2000000\n"), run("xenstore-read", "/local/domain/0/backend/virtio/4/0/base"));
        assertEquals(new Result(0, "base\nstate\n"), run("xenstore-list", "/local/domain/0/backend/virtio/4/0"));
        Result ls = run("xenstore-ls", "/local/domain/0/backend");
        assertEquals(0, ls.exit(), ls.out());
        assertEquals("virtio = \"\"\n 4 = \"\"\n  0 = \"\"\n   base = \"0x2000000\"\n   state = \"4\"\n", ls.out());
        assertEquals(0, run("xenstore-exists", "/local/domain/0/backend/virtio/4").exit());
        assertEquals(1, run("xenstore-exists", "/local/domain/0/backend/virtio/9").exit());
        Result missing = run("xenstore-read", "/local/domain/0/nothing");
        assertEquals(1, missing.exit());
    }

    @Test
    void toolsRemoveAndChangePermissions() throws Exception {
        client.write("/local/domain/0/backend/virtio/4/0/state", "1");
        assertEquals(0, run("xenstore-chmod", "/local/domain/0/backend/virtio/4/0", "n0", "r4").exit());
        assertEquals(List.of("n0", "r4"), client.getPermissions("/local/domain/0/backend/virtio/4/0"));
        Result ls = run("xenstore-ls", "-p", "/local/domain/0/backend/virtio/4");
        assertTrue(ls.out().contains("(n0,r4)"), ls.out());
        assertEquals(0, run("xenstore-rm", "/local/domain/0/backend/virtio/4").exit());
        assertEquals(List.of(), client.directory("/local/domain/0/backend/virtio/4"));
    }

    @Test
    void toolWatchSeesOurWrites() throws Exception {
        client.mkdir("/local/domain/0/backend/virtio");
        Process watch = launch("xenstore-watch", "-n", "3", "/local/domain/0/backend/virtio");
        try {
            // first line: the event fired on registration; then our two writes
            waitForOutputLine(watch, "/local/domain/0/backend/virtio");
            client.write("/local/domain/0/backend/virtio/6/0/state", "2");
            assertTrue(watch.waitFor(10, TimeUnit.SECONDS), "xenstore-watch did not see 3 events");
            String out = new String(watch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals("/local/domain/0/backend/virtio/6\n/local/domain/0/backend/virtio/6/0\n", out);
        } finally {
            watch.destroy();
        }
    }

    private static void waitForOutputLine(Process process, String expected) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = process.getInputStream().read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        assertEquals(expected, line.toString());
    }
}
