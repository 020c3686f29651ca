/**
 * A simulated Xen for tests and for trying the Xen path without Xen: guest domains with memfd
 * RAM, grant tables with per-domain ownership and read-only grants (a domain's references only
 * ever name its own frames, and only the grantee maps them), event channels with the evtchn
 * device's mask/unmask semantics, IOREQ servers whose slots go READY → INPROCESS → IORESP_READY
 * (with the INVALIDATE real Xen sends first, and a vCPU that faults when nobody handles an
 * address or hangs when nobody answers), edge-triggered SPIs, a XenStore server speaking the
 * real wire protocol on a Unix socket, which Debian's {@code xenstore-utils} tools can use with
 * {@code XENSTORED_PATH}, and, when asked for, the backend kernel's privcmd irqfd and ioeventfd
 * over real eventfds ({@code SimKernelFastPaths}), so that the backend's fast-path code runs too.
 *
 * <p>{@code FixedMappings} is the one private FFM helper of this bundle: mmap with MAP_FIXED,
 * which the shared Linux calls lack, to show scattered granted frames as one contiguous mapping
 * the way gntdev does.
 */
package org.scmi.transport.xen.sim;
