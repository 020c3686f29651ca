package org.scmi.launcher.bench;

import org.scmi.api.ScmiHeader;
import org.scmi.launcher.e2e.Le;
import org.scmi.launcher.e2e.Scmi;

/**
 * One command the benchmark repeats, with the writable buffer Linux posts for its fixed-size
 * reply, pre-encoded for every token.
 *
 * @param name how the report names it
 * @param key how the summary names it
 * @param busyRatioTarget most the server's median may be, as a multiple of the floor's, with a
 *     busy-polling guest keeping 8 commands in flight
 * @param requests the command for each token, header first
 * @param headers the header word of each token's command
 * @param replySize writable bytes posted: header, status and the return values
 */
record Workload(String name, String key, double busyRatioTarget, byte[][] requests, int[] headers, int replySize) {
    private static final int TOKENS = ScmiHeader.TOKEN_MASK + 1;
    /** The built-in board's sensor 0 (soc_temp): read at once, without a delayed response. */
    private static final int FAST_SENSOR = 0;
    private static final int SYNCHRONOUS = 0;
    /** One reading: value and timestamp, 64 bits each. */
    private static final int READING_SIZE = 16;

    static Workload protocolVersion() {
        return of("Base PROTOCOL_VERSION", "base", 1.2, Scmi.BASE, Scmi.PROTOCOL_VERSION,
                Scmi.RESPONSE_PREFIX + Integer.BYTES);
    }

    static Workload sensorReading() {
        return of("SENSOR_READING_GET (sync)", "sensor", 1.5, Scmi.SENSOR, Scmi.SENSOR_READING_GET,
                Scmi.RESPONSE_PREFIX + READING_SIZE, FAST_SENSOR, SYNCHRONOUS);
    }

    private static Workload of(String name, String key, double busyRatioTarget, int protocolId, int messageId,
            int replySize, int... parameters) {
        byte[][] requests = new byte[TOKENS][];
        int[] headers = new int[TOKENS];
        for (int token = 0; token < TOKENS; token++) {
            headers[token] = ScmiHeader.command(protocolId, messageId, token).encode();
            requests[token] = Le.words(headers[token]).append(Le.words(parameters).bytes()).bytes();
        }
        return new Workload(name, key, busyRatioTarget, requests, headers, replySize);
    }

    int tokens() {
        return TOKENS;
    }
}
