package org.scmi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.virtio.device.GuestIdentity;

/**
 * The agent state file: what one server process wrote, the next one reads (entries and agent ids),
 * a corrupt file is moved aside and the state starts empty, and an unwritable file leaves the state
 * in memory.
 */
class StateFileTest {
    @TempDir
    Path folder;

    private static AgentStates.Config config(Path file) {
        return new AgentStates.Config() {
            @Override
            public String file() {
                return file == null ? "" : file.toString();
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return AgentStates.Config.class;
            }
        };
    }

    @Test
    void theNextProcessFindsEveryEntryAndEveryAgentId() throws Exception {
        Path file = folder.resolve("state");
        AgentStates first = new AgentStates(config(file));
        AgentRegistry registry = new AgentRegistry(first);
        GuestAgent vm1 = registry.agentFor(new GuestIdentity("vhost-user:/run/vm1.sock", "vm one"));
        GuestAgent vm2 = registry.agentFor(new GuestIdentity("xen:5/0", "vm2"));
        first.put(vm2.id(), 0x14, "rate/sim/cpu clock", "800000000");
        first.put(vm1.id(), 0x11, "vote/sim/gpu", "on\nwith a new line, 100% ü");
        first.put(0, 0x14, "sim/rate/cpu", "1");
        first.put(0, 0x14, "sim/rate/cpu", null);
        first.persistOwnChanges(); // as the cmdq does before an answer
        assertEquals(StateFile.HEADER, Files.readAllLines(file).get(0));

        AgentStates second = new AgentStates(config(file));
        assertEquals("800000000", second.get(2, 0x14, "rate/sim/cpu clock"));
        assertEquals("on\nwith a new line, 100% ü", second.get(1, 0x11, "vote/sim/gpu"));
        assertNull(second.get(0, 0x14, "sim/rate/cpu"));
        AgentRegistry restarted = new AgentRegistry(second);
        assertEquals(2, restarted.agents().size());
        assertEquals("vm one", restarted.agents().get(0).name());
        assertEquals(2, restarted.agentFor(new GuestIdentity("xen:5/0", "vm2")).id());
        assertEquals(1, restarted.agentFor(new GuestIdentity("vhost-user:/run/vm1.sock", "vm1")).id());
        assertEquals(3, restarted.agentFor(new GuestIdentity("xen:6/0", "vm3")).id());
    }

    @Test
    void clearingAnAgentsProtocolIsWrittenToo() throws Exception {
        Path file = folder.resolve("state");
        AgentStates first = new AgentStates(config(file));
        first.put(1, 0x14, "enable/sim/cpu", "1");
        first.persist();
        first.clear(1, 0x14);
        first.persist();
        assertEquals(Map.of(), new AgentStates(config(file)).entries(1, 0x14, ""));
    }

    @Test
    void aCorruptFileIsMovedAsideAndTheStateStartsEmpty() throws Exception {
        Path file = folder.resolve("state");
        Files.writeString(file, StateFile.HEADER + "\n1 20 rate%2Fsim%2Fcpu 5\n", StandardCharsets.UTF_8);
        AgentStates store = new AgentStates(config(file));
        assertNull(store.get(1, 20, "rate/sim/cpu"));
        Path aside = folder.resolve("state" + StateFile.CORRUPT_SUFFIX);
        assertTrue(Files.exists(aside));
        assertFalse(Files.exists(file));
        store.put(1, 20, "rate/sim/cpu", "6");
        store.persist();
        assertEquals("6", new AgentStates(config(file)).get(1, 20, "rate/sim/cpu"));
        assertTrue(Files.readString(aside).contains("rate%2Fsim%2Fcpu 5"), "the bad file is kept as it was");
    }

    @Test
    void everyKindOfDamageIsNamedWithItsLine() {
        assertCorrupt(List.of(), "line 1");
        assertCorrupt(List.of("something else"), "line 1");
        assertCorrupt(List.of(StateFile.HEADER, "1 20 key"), "line 2 has 3 fields");
        assertCorrupt(List.of(StateFile.HEADER, "1 300 key v", "end 1"), "line 2");
        assertCorrupt(List.of(StateFile.HEADER, "x 20 key v", "end 1"), "line 2");
        assertCorrupt(List.of(StateFile.HEADER, "1 20 key v", "end 2"), "line 3");
        assertCorrupt(List.of(StateFile.HEADER, "1 20 key v", "end 1", "1 20 k v"), "line 3");
        assertCorrupt(List.of(StateFile.HEADER, "1 20 key v"), "cut off");
    }

    private static void assertCorrupt(List<String> lines, String expected) {
        try {
            StateFile.parse(lines);
        } catch (StateFile.CorruptStateException e) {
            assertTrue(e.getMessage().contains(expected), e.getMessage());
            return;
        }
        throw new AssertionError("accepted " + lines);
    }

    @Test
    void aFileThatCannotBeWrittenLeavesTheStateInMemory() throws Exception {
        Path blocker = folder.resolve("not-a-folder");
        Files.writeString(blocker, "x");
        AgentStates store = new AgentStates(config(blocker.resolve("state")));
        store.put(1, 0x11, "vote/sim/gpu", "on");
        store.persist();
        assertEquals("on", store.get(1, 0x11, "vote/sim/gpu"));
    }

    @Test
    void changesMadeOutsideCommandsReachTheFileByThemselvesAndAtTheLatestWhenTheStoreStops() throws Exception {
        Path file = folder.resolve("state");
        AgentStates store = new AgentStates(config(file));
        store.put(0, 0x15, "last/sim/cpu_temp", "45500");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(file) || !Files.readString(file).contains("last%2Fsim%2Fcpu_temp 45500")) {
            assertTrue(System.nanoTime() < deadline, "the change was not written behind");
            Thread.sleep(10);
        }
        store.put(0, 0x15, "last/sim/cpu_temp", "46000");
        store.deactivate();
        assertEquals("46000", new AgentStates(config(file)).get(0, 0x15, "last/sim/cpu_temp"));
    }

    /** A vote written to the file, whose modification time is then set to 0: a later write shows. */
    private Path votedAndBackdated(AgentStates store) throws Exception {
        Path file = folder.resolve("state");
        store.put(1, 0x11, "vote/sim/gpu", "on");
        store.persistOwnChanges();
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        return file;
    }

    @Test
    void aCommandMakesItsOwnChangesDurableNotThoseOfOtherThreads() throws Exception {
        // No write behind during the test: only persistOwnChanges could write.
        AgentStates store = new AgentStates(config(folder.resolve("state")), TimeUnit.HOURS.toMillis(1));
        Path file = votedAndBackdated(store);
        Thread other = Thread.ofPlatform().start(() -> store.put(0, 0x15, "last/sim/cpu_temp", "45500"));
        other.join();
        store.persistOwnChanges(); // a query on this thread: it changed nothing
        assertEquals(0, Files.getLastModifiedTime(file).toMillis(), "no write for another thread's change");
        store.deactivate();
        assertEquals("45500", new AgentStates(config(file)).get(0, 0x15, "last/sim/cpu_temp"));
    }

    @Test
    void aStoreThatChangedNothingDoesNotRewriteTheFileItRead() throws Exception {
        Path file = votedAndBackdated(new AgentStates(config(folder.resolve("state"))));
        AgentStates second = new AgentStates(config(file));
        second.put(1, 0x11, "vote/sim/gpu", "on"); // the same value: no change
        second.persist();
        assertEquals(0, Files.getLastModifiedTime(file).toMillis());
    }

    @Test
    void withoutAFileNothingIsWritten() throws Exception {
        AgentStates store = new AgentStates(config(null));
        store.put(1, 0x11, "vote/sim/gpu", "on");
        try (var files = Files.list(folder)) {
            assertEquals(0, files.count());
        }
    }
}
