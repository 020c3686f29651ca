package org.scmi.api.reset;

/**
 * The reset_state word of the Reset domain management protocol: bit 31 clear is an architectural
 * reset, of which only id 0 (cold reset) is defined; bit 31 set is a vendor-defined reset whose id is
 * bits 30:0.
 */
public final class ResetStates {
    /** The architectural cold reset: the only reset Linux asks for. */
    public static final int ARCHITECTURAL_COLD = 0;
    /** Bit 31: a vendor-defined reset state. */
    public static final int VENDOR = 1 << 31;
    /** Bits 30:0: the reset id. */
    public static final int ID_MASK = ~VENDOR;

    private ResetStates() {
    }

    public static boolean isVendor(int resetState) {
        return (resetState & VENDOR) != 0;
    }
}
