package org.scmi.transport.xen.sim;

/**
 * One domain's grant table: which of its frames it lets which domain map, read-only or not, and
 * how often each entry is mapped. The granting domain owns its references: a reference only ever
 * names a frame of this domain, and only the grantee may map it. Thread-safe.
 */
final class GrantTable {
    /** Largest reference a simulated table hands out (a v1 table of 32 frames holds 16384). */
    static final int MAX_REFS = 16384;
    /** Xen reserves the first eight references for the toolstack. */
    static final int FIRST_FREE_REF = 8;

    private record Entry(int grantee, long frame, boolean readOnly) {
    }

    private final Entry[] entries = new Entry[MAX_REFS];
    private final int[] mapCounts = new int[MAX_REFS];

    /**
     * Grants {@code frames} to {@code grantee} under consecutive references, as Linux's grant-DMA
     * ops do for one buffer.
     *
     * @return the first reference
     * @throws IllegalStateException if the table has no run of free references that long
     */
    synchronized int grant(int grantee, long[] frames, boolean readOnly) {
        int run = 0;
        for (int ref = FIRST_FREE_REF; ref < MAX_REFS; ref++) {
            run = entries[ref] == null ? run + 1 : 0;
            if (run == frames.length) {
                int first = ref - run + 1;
                for (int i = 0; i < frames.length; i++) {
                    entries[first + i] = new Entry(grantee, frames[i], readOnly);
                }
                return first;
            }
        }
        throw new IllegalStateException("grant table full: no " + frames.length + " consecutive free references");
    }

    /**
     * Ends access to a reference, like gnttab_end_foreign_access_ref: refused (false) while the
     * grantee still maps it; the entry then stays granted.
     */
    synchronized boolean endAccess(int ref) {
        if (ref < 0 || ref >= MAX_REFS || entries[ref] == null) {
            throw new IllegalArgumentException("grant reference " + ref + " is not in use");
        }
        if (mapCounts[ref] > 0) {
            return false;
        }
        entries[ref] = null;
        return true;
    }

    /** References currently mapped by anyone, for leak checks. */
    synchronized int mappedReferences() {
        int mapped = 0;
        for (int count : mapCounts) {
            mapped += count > 0 ? 1 : 0;
        }
        return mapped;
    }

    /**
     * Checks and takes one mapping of each reference for {@code mapper}; returns the frames.
     *
     * @return null if any reference is not granted to {@code mapper}, or is read-only and a
     *     writable mapping was asked for (then nothing is taken)
     */
    synchronized long[] map(int mapper, long firstRef, int count, boolean writable) {
        if (firstRef < 0 || firstRef + count > MAX_REFS) {
            return null;
        }
        long[] frames = new long[count];
        for (int i = 0; i < count; i++) {
            Entry entry = entries[(int) firstRef + i];
            if (entry == null || entry.grantee() != mapper || (writable && entry.readOnly())) {
                return null;
            }
            frames[i] = entry.frame();
        }
        for (int i = 0; i < count; i++) {
            mapCounts[(int) firstRef + i]++;
        }
        return frames;
    }

    synchronized void unmap(long firstRef, int count) {
        for (int i = 0; i < count; i++) {
            mapCounts[(int) firstRef + i]--;
        }
    }
}
