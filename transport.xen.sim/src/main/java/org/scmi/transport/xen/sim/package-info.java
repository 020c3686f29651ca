/**
 * A simulated Xen for tests and for trying the Xen transport without Xen: guest domains with memfd
 * RAM, grant tables with per-domain ownership and read-only grants (a domain's references only
 * ever name its own frames, and only the grantee maps them), event channels with the evtchn
 * device's mask/unmask semantics, IOREQ servers whose slots go READY → INPROCESS → IORESP_READY
 * (with the INVALIDATE real Xen sends first, and a vCPU that faults when nobody handles an
 * address or hangs when nobody answers), edge-triggered SPIs, a XenStore server speaking the
 * real wire protocol on a Unix socket, which Debian's {@code xenstore-utils} tools can use with
 * {@code XENSTORED_PATH}, and, when asked for, the backend kernel's privcmd irqfd and ioeventfd
 * over real eventfds ({@code SimKernelFastPaths}), so that the backend's fast-path code runs too.
 *
 * <p>{@code SimHypervisor} implements the Xen transport's {@code XenHypervisor}; this bundle
 * registers one as a service per configuration, and the transport serves its guests as it serves
 * those of real Xen.
 *
 * <p>{@code FixedMappings} is the one private FFM helper of this bundle: mmap with MAP_FIXED,
 * which the shared Linux calls lack, to show scattered granted frames as one contiguous mapping
 * the way gntdev does.
 */
@Export
@Version("1.0.0")
package org.scmi.transport.xen.sim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
