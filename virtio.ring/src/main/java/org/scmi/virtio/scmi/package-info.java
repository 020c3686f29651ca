/**
 * The virtio-scmi device (virtio device 32): one session per guest with its cmdq and eventq, the
 * dispatcher that routes each command to the SCMI protocol service registered for its protocol
 * id, and the directory of agents (one per guest, stable across reconnects).
 *
 * <p>Threads: a transport's kick thread answers cmdq commands inline; events are delivered under
 * the eventq's lock by whichever thread sends them or kicks the eventq. Details at
 * {@link org.scmi.virtio.scmi.ScmiDeviceSession}.
 */
package org.scmi.virtio.scmi;
