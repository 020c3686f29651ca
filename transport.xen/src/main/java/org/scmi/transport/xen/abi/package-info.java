/**
 * Xen's binary interfaces as this transport uses them: ioctl numbers of privcmd, evtchn and
 * gntdev, the dm_op, ioreq and gntdev structs as FFM layouts, and the ioreq slot protocol. Values
 * are identical on x86_64 and arm64 (checked by compiling the headers for both); the tests pin
 * every number and offset.
 */
package org.scmi.transport.xen.abi;
