package org.scmi.transport.xen.sim.guest;

/** A simulated guest's driver found its device broken: DEVICE_NEEDS_RESET, or a refused set-up. */
public final class DeviceFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeviceFailure(String message) {
        super(message);
    }
}
