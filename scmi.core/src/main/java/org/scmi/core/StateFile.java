package org.scmi.core;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent state on disk: one line per entry, written whole to a temporary file beside the real
 * one, forced to the disk, renamed over the real one and the folder forced, so that the file is
 * always either the previous state or the new one, never half of each, whatever stops the server
 * (a crash, an out-of-memory kill, a power cut).
 *
 * <pre>
 * scmi-agent-state 1
 * AGENT PROTOCOL KEY VALUE        (decimal ids; key and value URL-encoded in UTF-8)
 * ...
 * end COUNT                       (the number of entry lines: a cut-off copy is detected)
 * </pre>
 *
 * <p>A file that cannot be parsed is reported with its path, line and reason, moved aside to
 * {@code FILE.corrupt} (so that the next write does not destroy what an administrator may want to
 * repair), and the state starts empty. A write that fails (a full disk, a read-only folder) is
 * reported with the path and leaves the state in memory; the next change tries again.
 *
 * <p>Threads: {@link #write} is called by any thread and serialised here; each write takes its
 * snapshot under the lock, so the last write holds every change that completed before it.
 */
final class StateFile {
    private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);
    static final String HEADER = "scmi-agent-state 1";
    static final String END = "end ";
    private static final String TEMPORARY_SUFFIX = ".tmp";
    static final String CORRUPT_SUFFIX = ".corrupt";

    private final Path path;
    /** Guarded by this: the last write failed (reported once until one succeeds). */
    private boolean failing;
    /** Guarded by this: the change count the file holds (every change up to it is written). */
    private long written = -1;

    private StateFile(Path path) {
        this.path = path;
    }

    /** The state file at {@code configured}, or null for an empty setting (memory only). */
    static StateFile of(String configured) {
        return configured == null || configured.isBlank() ? null : new StateFile(Path.of(configured.trim())
                .toAbsolutePath());
    }

    Path path() {
        return path;
    }

    /** A line the file cannot hold. */
    static final class CorruptStateException extends Exception {
        CorruptStateException(String message) {
            super(message);
        }
    }

    /**
     * The entries in the file by slot ({@link AgentStates#slotOf}); empty if there is no file yet,
     * or if it cannot be read (reported, and a corrupt file moved aside).
     */
    Map<Integer, Map<String, String>> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            LOG.info("agent state file {} does not exist yet: starting with an empty state", path);
            return Map.of();
        } catch (IOException e) {
            LOG.error("agent state file {} cannot be read ({}): starting with an empty state", path, e.toString());
            return Map.of();
        }
        try {
            Map<Integer, Map<String, String>> read = parse(lines);
            synchronized (this) {
                written = 0; // the file holds the state before any change
            }
            return read;
        } catch (CorruptStateException e) {
            Path aside = path.resolveSibling(path.getFileName() + CORRUPT_SUFFIX);
            try {
                Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
                LOG.error("agent state file {} is corrupt ({}): moved to {}; starting with an empty state", path,
                        e.getMessage(), aside);
            } catch (IOException moveFailed) {
                LOG.error("agent state file {} is corrupt ({}) and cannot be moved aside ({}); starting with an empty "
                        + "state", path, e.getMessage(), moveFailed.toString());
            }
            return Map.of();
        }
    }

    static Map<Integer, Map<String, String>> parse(List<String> lines) throws CorruptStateException {
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new CorruptStateException("line 1 is not '" + HEADER + "'");
        }
        Map<Integer, Map<String, String>> slots = new TreeMap<>();
        int entries = 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith(END)) {
                if (!line.equals(END + entries) || i != lines.size() - 1) {
                    throw new CorruptStateException("line " + (i + 1) + " '" + line + "' does not close the "
                            + entries + " entries before it");
                }
                return slots;
            }
            String[] fields = line.split(" ", -1);
            if (fields.length != 4) {
                throw new CorruptStateException("line " + (i + 1) + " has " + fields.length
                        + " fields, expected 4 (agent protocol key value)");
            }
            int slot;
            try {
                slot = AgentStates.slotOf(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]));
                slots.computeIfAbsent(slot, s -> new TreeMap<>()).put(URLDecoder.decode(fields[2],
                        StandardCharsets.UTF_8), URLDecoder.decode(fields[3], StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new CorruptStateException("line " + (i + 1) + ": " + e.getMessage());
            }
            entries++;
        }
        throw new CorruptStateException("no '" + END + entries + "' line: the file was cut off");
    }

    /**
     * Makes the file hold every change up to {@code changes} (a count the caller bumps after each
     * change it makes to {@code entries}): nothing to do if a write since then held them, else
     * replaces the file with {@code entries} (by slot). Reports a failure and returns.
     */
    synchronized void write(long changes, Map<Integer, ? extends Map<String, String>> entries) {
        if (changes <= written) {
            return;
        }
        long holding = changes;
        Path temporary = path.resolveSibling(path.getFileName() + TEMPORARY_SUFFIX);
        try {
            Path folder = path.getParent();
            Files.createDirectories(folder);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                            StandardCharsets.UTF_8))) {
                out.write(HEADER);
                out.newLine();
                int count = 0;
                for (Map.Entry<Integer, ? extends Map<String, String>> slot : new TreeMap<>(entries).entrySet()) {
                    String ids = AgentStates.agentOf(slot.getKey()) + " " + AgentStates.protocolOf(slot.getKey()) + " ";
                    for (Map.Entry<String, String> entry : slot.getValue().entrySet()) {
                        out.write(ids + URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + " "
                                + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
                        out.newLine();
                        count++;
                    }
                }
                out.write(END + count);
                out.newLine();
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
                directory.force(true);
            }
            written = holding;
            if (failing) {
                failing = false;
                LOG.info("agent state file {} written again", path);
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.error("agent state file {} cannot be written ({}): the state is kept in memory only until a "
                        + "write succeeds", path, e.toString());
            }
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // The next write truncates it.
            }
        }
    }
}
