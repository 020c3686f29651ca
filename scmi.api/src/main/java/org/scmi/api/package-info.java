/**
 * The SCMI contracts every other bundle speaks: the message header codec, status codes, the
 * protocol service that protocol bundles register on the whiteboard, and the agent a request
 * comes from.
 *
 * <p>Wire values are little-endian 32-bit words (SCMI v3.2, DEN0056E). Readers and writers in
 * this package are the only place request and reply bytes are decoded and encoded.
 */
@Export
@Version("1.2.0")
package org.scmi.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
