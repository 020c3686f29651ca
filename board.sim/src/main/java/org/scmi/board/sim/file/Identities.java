package org.scmi.board.sim.file;

import java.util.HashSet;
import java.util.Set;

/**
 * The names and keys of one array's entries, each unique: agents tell resources apart by name, the
 * driver by key (the name, unless the entry gives one). Not thread-safe: one parser uses it.
 */
public final class Identities {
    private final String noun;
    private final Set<String> names = new HashSet<>();
    private final Set<String> keys = new HashSet<>();

    /** @param noun what one entry describes, for messages ("power domain") */
    public Identities(String noun) {
        this.noun = noun;
    }

    /**
     * Takes the entry's {@code name} and {@code key} (default the name) and returns the key.
     *
     * @throws BoardFileException naming the field when another entry has the same name or key
     */
    public String add(JsonFields entry) throws BoardFileException {
        String name = entry.string("name");
        String key = entry.string("key", name);
        if (!names.add(name)) {
            throw entry.error("name", "\"" + name + "\" names another " + noun + " too");
        }
        if (!keys.add(key)) {
            throw entry.error("key", "\"" + key + "\" is the key of another " + noun + " too");
        }
        return key;
    }

    /** Whether an entry taken so far has this key. */
    public boolean hasKey(String key) {
        return keys.contains(key);
    }
}
