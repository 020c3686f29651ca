package org.scmi.api;

/** SCMI status codes, as the first word of every response and delayed response. */
public enum ScmiStatus {
    SUCCESS(0),
    NOT_SUPPORTED(-1),
    INVALID_PARAMETERS(-2),
    DENIED(-3),
    NOT_FOUND(-4),
    OUT_OF_RANGE(-5),
    BUSY(-6),
    COMMS_ERROR(-7),
    GENERIC_ERROR(-8),
    HARDWARE_ERROR(-9),
    PROTOCOL_ERROR(-10),
    IN_USE(-11);

    /** Every status by minus its code: {@code values()} would copy the array on each lookup. */
    private static final ScmiStatus[] BY_NEGATED_CODE = values();

    private final int code;

    ScmiStatus(int code) {
        this.code = code;
    }

    /** The signed 32-bit value sent on the wire. */
    public int code() {
        return code;
    }

    /** The status for a wire value, or {@code null} if the value is not a defined status. */
    public static ScmiStatus of(int code) {
        return code <= 0 && -code < BY_NEGATED_CODE.length ? BY_NEGATED_CODE[-code] : null;
    }
}
