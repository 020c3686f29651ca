package org.scmi.board.sim.file;

import java.util.HashSet;
import java.util.Set;

/**
 * The names and keys the entries of one board array have taken. Both must be unique: agents find a
 * resource by its name (Linux matches device-tree nodes and regulators by it), and the protocol
 * keeps every agent's settings under its key. Not thread-safe: one per parse.
 */
public final class EntryNames {
    /** An entry's name, and its key (the name unless the entry gives one). */
    public record Named(String name, String key) {
    }

    private final String noun;
    private final Set<String> names = new HashSet<>();
    private final Set<String> keys = new HashSet<>();

    /** @param noun what one entry is, for errors ("reset domain") */
    public EntryNames(String noun) {
        this.noun = noun;
    }

    /** The entry's required {@code "name"} and optional {@code "key"}, each refused if taken already. */
    public Named take(JsonFields entry) throws BoardFileException {
        String name = entry.string("name");
        String key = entry.string("key", name);
        if (!names.add(name)) {
            throw entry.error("name", "\"" + name + "\" names another " + noun + " too");
        }
        if (!keys.add(key)) {
            throw entry.error("key", "\"" + key + "\" is the key of another " + noun + " too");
        }
        return new Named(name, key);
    }

    /** Whether an entry taken so far has this key (a reference to an earlier entry). */
    public boolean hasKey(String key) {
        return keys.contains(key);
    }
}
