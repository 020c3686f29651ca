package org.scmi.transport.vhostuser;

/**
 * The requests a vhost-user front-end (QEMU) sends, with their ids from QEMU's
 * {@code docs/interop/vhost-user.rst}. Every id is listed, also those this back-end refuses, so
 * that a log line names what a front-end tried.
 */
public enum FrontendRequest {
    GET_FEATURES(1),
    SET_FEATURES(2),
    SET_OWNER(3),
    RESET_OWNER(4),
    SET_MEM_TABLE(5),
    SET_LOG_BASE(6),
    SET_LOG_FD(7),
    SET_VRING_NUM(8),
    SET_VRING_ADDR(9),
    SET_VRING_BASE(10),
    GET_VRING_BASE(11),
    SET_VRING_KICK(12),
    SET_VRING_CALL(13),
    SET_VRING_ERR(14),
    GET_PROTOCOL_FEATURES(15),
    SET_PROTOCOL_FEATURES(16),
    GET_QUEUE_NUM(17),
    SET_VRING_ENABLE(18),
    SEND_RARP(19),
    NET_SET_MTU(20),
    SET_BACKEND_REQ_FD(21),
    IOTLB_MSG(22),
    SET_VRING_ENDIAN(23),
    GET_CONFIG(24),
    SET_CONFIG(25),
    CREATE_CRYPTO_SESSION(26),
    CLOSE_CRYPTO_SESSION(27),
    POSTCOPY_ADVISE(28),
    POSTCOPY_LISTEN(29),
    POSTCOPY_END(30),
    GET_INFLIGHT_FD(31),
    SET_INFLIGHT_FD(32),
    GPU_SET_SOCKET(33),
    RESET_DEVICE(34),
    VRING_KICK(35),
    GET_MAX_MEM_SLOTS(36),
    ADD_MEM_REG(37),
    REM_MEM_REG(38),
    SET_STATUS(39),
    GET_STATUS(40),
    GET_SHARED_OBJECT(41),
    SET_DEVICE_STATE_FD(42),
    CHECK_DEVICE_STATE(43);

    private static final FrontendRequest[] BY_ID = byId();

    private final int id;

    FrontendRequest(int id) {
        this.id = id;
    }

    /** The request id on the wire. */
    public int id() {
        return id;
    }

    /** The request with this id, or null for an id the protocol does not define. */
    public static FrontendRequest of(int id) {
        return id > 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    private static FrontendRequest[] byId() {
        FrontendRequest[] table = new FrontendRequest[values().length + 1];
        for (FrontendRequest request : values()) {
            table[request.id] = request;
        }
        return table;
    }
}
