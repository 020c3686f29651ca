package org.scmi.api.perf;

/** What agents may change on a performance domain (PERFORMANCE_DOMAIN_ATTRIBUTES bits 30 and 31). */
public enum PerfControl {
    /** Request a performance level (PERFORMANCE_LEVEL_SET). */
    LEVEL,
    /** Set limits to their own requests (PERFORMANCE_LIMITS_SET). */
    LIMITS
}
