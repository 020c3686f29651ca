package org.scmi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.testing.Eventually;

/**
 * The agent state file on a disk that is full: the temporary file each write goes through is a
 * link to {@code /dev/full}, the kernel's device that fails every write with ENOSPC, as a
 * filesystem that fills up does (without privileges or a mount). The record is larger than one
 * write buffer, so the disk is full in the middle of it.
 */
class FullDiskTest {
    private static final Path FULL = Path.of("/dev/full");
    /** Entries in the record that cannot be written: well over one 8 KiB write buffer. */
    private static final int ENTRIES = 500;
    private static final String RATE = "1000000000";

    @TempDir
    Path folder;

    private static AgentStates.Config config(Path file) {
        return new AgentStates.Config() {
            @Override
            public String file() {
                return file.toString();
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return AgentStates.Config.class;
            }
        };
    }

    private Path fullDisk() throws Exception {
        assumeTrue(Files.isWritable(FULL), "no writable /dev/full on this system");
        return Files.createSymbolicLink(folder.resolve("state.tmp"), FULL);
    }

    private static void changeManyRates(AgentStates store) {
        for (int i = 0; i < ENTRIES; i++) {
            store.put(2, 0x14, "rate/sim/clock" + i, RATE);
        }
    }

    @Test
    void aChangeThatCannotBeMadeDurableStaysInEffectAndTheLastRecordStaysWhole() throws Exception {
        Path file = folder.resolve("state");
        AgentStates store = new AgentStates(config(file), TimeUnit.HOURS.toMillis(1), TimeUnit.HOURS.toMillis(1));
        store.put(1, 0x11, "vote/sim/gpu", "on");
        store.persistOwnChanges();
        String lastGood = Files.readString(file);
        Path temporary = fullDisk();

        changeManyRates(store);
        store.persistOwnChanges(); // as the cmdq does before it answers: the command is answered all the same
        assertEquals(RATE, store.get(2, 0x14, "rate/sim/clock" + (ENTRIES - 1)), "the change is in effect");
        assertEquals(lastGood, Files.readString(file), "the last record written is whole");
        assertFalse(Files.exists(temporary, LinkOption.NOFOLLOW_LINKS), "the cut-off temporary file is removed");
        AgentStates restarted = new AgentStates(config(file));
        assertEquals("on", restarted.get(1, 0x11, "vote/sim/gpu"), "a server started now finds the last record");
        restarted.deactivate();

        store.put(1, 0x11, "vote/sim/gpu", "off"); // room again: the next change's write holds every change
        store.persistOwnChanges();
        AgentStates later = new AgentStates(config(file));
        assertEquals("off", later.get(1, 0x11, "vote/sim/gpu"));
        assertEquals(RATE, later.get(2, 0x14, "rate/sim/clock0"));
        assertEquals(ENTRIES, later.entries(2, 0x14, "rate/").size());
        later.deactivate();
        store.deactivate();
    }

    @Test
    void aWriteThatFailedIsTriedAgainWithoutAnotherChange() throws Exception {
        Path file = folder.resolve("state");
        AgentStates store = new AgentStates(config(file), TimeUnit.HOURS.toMillis(1), 50);
        fullDisk();
        changeManyRates(store);
        store.persistOwnChanges();
        assertTrue(Eventually.within(Duration.ofSeconds(30), () -> Files.exists(file)),
                "the writer never wrote the record once the disk had room again");
        AgentStates restarted = new AgentStates(config(file));
        assertEquals(ENTRIES, restarted.entries(2, 0x14, "rate/").size());
        restarted.deactivate();
        store.deactivate();
    }
}
