package org.scmi.api.power;

/**
 * The power state word of the Power domain management protocol: bit 30 is the state type (0 the
 * domain keeps its context, 1 it loses it), bits 27:0 the state id; bits 31, 29 and 28 are
 * reserved.
 */
public final class PowerState {
    /** The domain is on: type 0, id 0. The only "on" value Linux uses. */
    public static final int ON = 0x0000_0000;
    /** The domain is off: type 1 (context lost), id 0. The only "off" value Linux uses. */
    public static final int OFF = 0x4000_0000;
    /** Bit 30: the domain loses its context in this state; with {@link #ID_MASK} composes a state word. */
    public static final int CONTEXT_LOST = 0x4000_0000;
    /** Bits 27:0: the state id within its type. */
    public static final int ID_MASK = 0x0FFF_FFFF;
    /** Bits 31, 29, 28: reserved, zero in every valid state word. */
    public static final int RESERVED_MASK = 0xB000_0000;

    private PowerState() {
    }

    /** "on", "off", or the state word in hex: how people read a state (logs, the shell). */
    public static String describe(int state) {
        return switch (state) {
            case ON -> "on";
            case OFF -> "off";
            default -> String.format("0x%08x", state);
        };
    }

    /** Whether {@code state} leaves the reserved bits clear. */
    public static boolean isWellFormed(int state) {
        return (state & RESERVED_MASK) == 0;
    }
}
