/**
 * XenStore: the {@code xs_wire.h} framing (16-byte header type/req_id/tx_id/len, NUL-separated
 * payloads, ERROR replies carrying errno names), one codec for clients and servers, and the client
 * over xenstored's Unix socket or the {@code /dev/xen/xenbus} device. Requests are serialised on
 * a connection; watch events are delivered on one callback thread per connection.
 */
@Export
@Version("1.0.0")
package org.scmi.transport.xen.xenstore;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
