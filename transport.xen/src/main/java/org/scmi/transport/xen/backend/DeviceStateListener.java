package org.scmi.transport.xen.backend;

/** Where a served device reports its driver's progress (XenStore's state node, or nowhere). */
@FunctionalInterface
public interface DeviceStateListener {

    /** The driver reached DRIVER_OK (true) or reset the device (false). */
    void driverStateChanged(boolean driverOk);

    DeviceStateListener NONE = driverOk -> { };
}
