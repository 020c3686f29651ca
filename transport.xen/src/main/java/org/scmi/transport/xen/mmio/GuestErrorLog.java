package org.scmi.transport.xen.mmio;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs one guest's errors without letting a misbehaving guest flood the log: the first
 * {@link #VERBOSE} errors in full, then one line per {@link #SAMPLE} with the running count.
 */
public final class GuestErrorLog {
    static final int VERBOSE = 20;
    static final int SAMPLE = 1000;

    private final Logger log;
    private final String guest;
    private final AtomicLong count = new AtomicLong();

    public GuestErrorLog(Logger log, String guest) {
        this.log = log;
        this.guest = guest;
    }

    public void error(String format, Object... arguments) {
        long n = count.incrementAndGet();
        if (n <= VERBOSE) {
            log.warn("guest " + guest + ": " + format, arguments);
        } else if (n % SAMPLE == 0) {
            log.warn("guest {}: {} errors so far (logging every {}th); latest: " + format,
                    prepend(guest, n, SAMPLE, arguments));
        }
    }

    public long count() {
        return count.get();
    }

    private static Object[] prepend(String guest, long n, int sample, Object[] arguments) {
        Object[] all = new Object[arguments.length + 3];
        all[0] = guest;
        all[1] = n;
        all[2] = sample;
        System.arraycopy(arguments, 0, all, 3, arguments.length);
        return all;
    }
}
