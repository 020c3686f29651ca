package org.scmi.api;

/**
 * One command as a protocol handler sees it.
 *
 * @param agent the agent that sent it
 * @param header the command's header word, as received (replies and delayed responses echo it)
 * @param parameters the command parameters (bytes after the header)
 * @param version the protocol version in effect for this agent (lower than the protocol's own
 *     after a successful NEGOTIATE_PROTOCOL_VERSION)
 */
public record ScmiRequest(Agent agent, int header, Payload parameters, int version) {

    public int messageId() {
        return header & ScmiHeader.MESSAGE_ID_MASK;
    }

    public int protocolId() {
        return (header >>> ScmiHeader.PROTOCOL_ID_SHIFT) & ScmiHeader.PROTOCOL_ID_MASK;
    }

    public int token() {
        return (header >>> ScmiHeader.TOKEN_SHIFT) & ScmiHeader.TOKEN_MASK;
    }

    /** Major version in effect (bits 31:16). */
    public int majorVersion() {
        return version >>> 16;
    }
}
