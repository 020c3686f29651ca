package org.scmi.api.clock;

/** What an agent may change on a clock (CLOCK_GET_PERMISSIONS). */
public enum ClockControl {
    /** Enable and disable it. */
    STATE,
    /** Change its parent. */
    PARENT,
    /** Change its rate. */
    RATE
}
