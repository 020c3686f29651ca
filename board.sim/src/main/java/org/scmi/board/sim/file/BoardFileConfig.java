package org.scmi.board.sim.file;

/**
 * The configuration every simulated board part reads (PID {@link BoardFile#PID}). Its metatype
 * description is designated once for the bundle, by the sensor part; the other parts (clocks,
 * power domains, system power, reset lines, supplies, pins, performance domains, powercap zones)
 * read the same {@code file} property through this type.
 */
public @interface BoardFileConfig {
    /** Path of the JSON board file; empty for the built-in board. */
    String file() default "";
}
