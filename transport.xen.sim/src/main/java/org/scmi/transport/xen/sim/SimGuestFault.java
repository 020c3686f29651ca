package org.scmi.transport.xen.sim;

/**
 * What a real guest would experience as a fault: a data abort on an MMIO access nobody handles,
 * or a vCPU left blocked because its ioreq was never answered.
 */
public class SimGuestFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimGuestFault(String message) {
        super(message);
    }
}
