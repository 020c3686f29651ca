package org.scmi.api.system;

/**
 * The system power states of the System power management protocol, with their wire values
 * (SYSTEM_POWER_STATE_SET, SYSTEM_POWER_STATE_GET and the SYSTEM_POWER_STATE_NOTIFIER notification).
 */
public enum SystemState {
    /** The whole system powers off. */
    SHUTDOWN(0),
    /** The whole system restarts from power-on. */
    COLD_RESET(1),
    /** The whole system restarts, keeping what a warm reset keeps. */
    WARM_RESET(2),
    /** The system is powered up and running. */
    POWER_UP(3),
    /** The system suspends, to be woken later. */
    SUSPEND(4);

    private final int value;

    SystemState(int value) {
        this.value = value;
    }

    /** The value on the wire. */
    public int value() {
        return value;
    }

    /** The state with this wire value, or null for a value the protocol does not define. */
    public static SystemState of(int value) {
        for (SystemState state : values()) {
            if (state.value == value) {
                return state;
            }
        }
        return null;
    }
}
