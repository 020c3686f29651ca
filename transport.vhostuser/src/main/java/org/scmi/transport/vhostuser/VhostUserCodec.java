package org.scmi.transport.vhostuser;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layouts of vhost-user messages (QEMU {@code docs/interop/vhost-user.rst}, "Message
 * Specification"): the 12-byte header and every payload this back-end reads or writes. All numbers
 * are in the machine's native byte order, as the protocol says. Both sides of the protocol use
 * these codecs: the back-end, and the test front-end that plays QEMU.
 */
public final class VhostUserCodec {

    // ------------------------------------------------------------------ header

    /** request (u32), flags (u32), size (u32). */
    public static final int HEADER_SIZE = 12;
    static final int HEADER_REQUEST = 0;
    static final int HEADER_FLAGS = 4;
    static final int HEADER_SIZE_FIELD = 8;

    /** Flags bits 0-1: the protocol version. */
    public static final int FLAG_VERSION_MASK = 0x3;
    /** The only protocol version. */
    public static final int VERSION = 0x1;
    /** Flags bit 2: set on every reply from the back-end. */
    public static final int FLAG_REPLY = 0x4;
    /** Flags bit 3: the front-end wants a REPLY_ACK answer to this request. */
    public static final int FLAG_NEED_REPLY = 0x8;
    /** Every flag bit the protocol defines. */
    static final int KNOWN_FLAGS = FLAG_VERSION_MASK | FLAG_REPLY | FLAG_NEED_REPLY;

    /**
     * Largest payload this back-end reads. The largest it accepts is a memory table of
     * {@link #MAX_REGIONS} regions; anything longer is refused before it is read.
     */
    public static final int MAX_PAYLOAD = 4096;

    // ------------------------------------------------------------------ u64 payload

    public static final int U64_SIZE = 8;

    // ------------------------------------------------------------------ vring state: index, num

    public static final int VRING_STATE_SIZE = 8;
    static final int VRING_STATE_INDEX = 0;
    static final int VRING_STATE_NUM = 4;

    // ------------------------------------------------------------------ vring address

    public static final int VRING_ADDRESS_SIZE = 40;
    static final int VRING_ADDRESS_INDEX = 0;
    static final int VRING_ADDRESS_FLAGS = 4;
    static final int VRING_ADDRESS_DESCRIPTOR = 8;
    static final int VRING_ADDRESS_USED = 16;
    static final int VRING_ADDRESS_AVAIL = 24;
    static final int VRING_ADDRESS_LOG = 32;
    /** Vring address flags bit 0: log writes to the used ring (migration; never offered here). */
    public static final int VRING_F_LOG = 0x1;

    // ------------------------------------------------------------------ vring file (kick, call, err): u64

    /** Bits 0-7 of a vring file payload: the vring index. */
    public static final long VRING_FILE_INDEX_MASK = 0xFF;
    /** Bit 8 of a vring file payload: no fd is attached. */
    public static final long VRING_FILE_NOFD = 0x100;

    // ------------------------------------------------------------------ memory table

    /** Most regions one SET_MEM_TABLE carries (VHOST_MEMORY_BASELINE_NREGIONS). */
    public static final int MAX_REGIONS = 8;
    static final int MEMORY_COUNT = 0;
    /** num regions (u32), padding (u32), then the regions. */
    static final int MEMORY_REGIONS = 8;
    public static final int MEMORY_REGION_SIZE = 32;
    static final int REGION_GUEST_ADDRESS = 0;
    static final int REGION_SIZE = 8;
    static final int REGION_USER_ADDRESS = 16;
    static final int REGION_MMAP_OFFSET = 24;

    // ------------------------------------------------------------------ inflight description

    /** mmap size (u64), mmap offset (u64), num queues (u16), queue size (u16), padded as QEMU's struct. */
    public static final int INFLIGHT_SIZE = 24;
    static final int INFLIGHT_MMAP_SIZE = 0;
    static final int INFLIGHT_MMAP_OFFSET = 8;
    static final int INFLIGHT_NUM_QUEUES = 16;
    static final int INFLIGHT_QUEUE_SIZE = 18;

    private VhostUserCodec() {
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    private static ByteBuffer allocate(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    /** The first fields of every message. {@code size} is the payload length that follows. */
    public record Header(int request, int flags, int size) {

        public static Header decode(byte[] bytes) {
            ByteBuffer b = wrap(bytes);
            return new Header(b.getInt(HEADER_REQUEST), b.getInt(HEADER_FLAGS), b.getInt(HEADER_SIZE_FIELD));
        }

        public int version() {
            return flags & FLAG_VERSION_MASK;
        }

        public boolean needsReply() {
            return (flags & FLAG_NEED_REPLY) != 0;
        }

        public boolean isReply() {
            return (flags & FLAG_REPLY) != 0;
        }
    }

    /** A whole message: header fields then payload. */
    public static byte[] message(int request, int flags, byte[] payload) {
        ByteBuffer b = allocate(HEADER_SIZE + payload.length);
        b.putInt(HEADER_REQUEST, request).putInt(HEADER_FLAGS, flags).putInt(HEADER_SIZE_FIELD, payload.length);
        b.put(HEADER_SIZE, payload);
        return b.array();
    }

    public static byte[] encodeU64(long value) {
        return allocate(U64_SIZE).putLong(0, value).array();
    }

    /** The u64 payload; the caller checked the size. */
    public static long decodeU64(byte[] payload) {
        return wrap(payload).getLong(0);
    }

    /** A vring's index and a number (its size, base or enable flag). */
    public record VringState(int index, int num) {

        public static VringState decode(byte[] payload) {
            ByteBuffer b = wrap(payload);
            return new VringState(b.getInt(VRING_STATE_INDEX), b.getInt(VRING_STATE_NUM));
        }

        public byte[] encode() {
            return allocate(VRING_STATE_SIZE).putInt(VRING_STATE_INDEX, index).putInt(VRING_STATE_NUM, num).array();
        }
    }

    /**
     * Where a vring lives, in the front-end's own (user) addresses; {@code log} is a guest address
     * used only for migration logging.
     */
    public record VringAddress(int index, int flags, long descriptor, long used, long avail, long log) {

        public static VringAddress decode(byte[] payload) {
            ByteBuffer b = wrap(payload);
            return new VringAddress(b.getInt(VRING_ADDRESS_INDEX), b.getInt(VRING_ADDRESS_FLAGS),
                    b.getLong(VRING_ADDRESS_DESCRIPTOR), b.getLong(VRING_ADDRESS_USED), b.getLong(VRING_ADDRESS_AVAIL),
                    b.getLong(VRING_ADDRESS_LOG));
        }

        public byte[] encode() {
            return allocate(VRING_ADDRESS_SIZE).putInt(VRING_ADDRESS_INDEX, index).putInt(VRING_ADDRESS_FLAGS, flags)
                    .putLong(VRING_ADDRESS_DESCRIPTOR, descriptor).putLong(VRING_ADDRESS_USED, used)
                    .putLong(VRING_ADDRESS_AVAIL, avail).putLong(VRING_ADDRESS_LOG, log).array();
        }
    }

    /** The u64 of SET_VRING_KICK/CALL/ERR: a vring index and whether an fd is attached. */
    public record VringFile(int index, boolean noFd) {

        /** Undefined bits set make the payload invalid: null then. */
        public static VringFile decode(long value) {
            if ((value & ~(VRING_FILE_INDEX_MASK | VRING_FILE_NOFD)) != 0) {
                return null;
            }
            return new VringFile((int) (value & VRING_FILE_INDEX_MASK), (value & VRING_FILE_NOFD) != 0);
        }

        public long encode() {
            return (index & VRING_FILE_INDEX_MASK) | (noFd ? VRING_FILE_NOFD : 0);
        }
    }

    /**
     * One region of a memory table: guest-physical address, size, the front-end's user address of
     * the same bytes, and where they start in the region's fd.
     */
    public record RegionDescription(long guestAddress, long size, long userAddress, long mmapOffset) {
    }

    /**
     * The payload of GET_INFLIGHT_FD and SET_INFLIGHT_FD: where the inflight region lies in its fd
     * and the queues it covers. The front-end asks with the sizes 0.
     */
    public record InflightDescription(long mmapSize, long mmapOffset, int queueCount, int queueSize) {

        public static InflightDescription decode(byte[] payload) {
            ByteBuffer b = wrap(payload);
            return new InflightDescription(b.getLong(INFLIGHT_MMAP_SIZE), b.getLong(INFLIGHT_MMAP_OFFSET),
                    b.getShort(INFLIGHT_NUM_QUEUES) & 0xFFFF, b.getShort(INFLIGHT_QUEUE_SIZE) & 0xFFFF);
        }

        public byte[] encode() {
            return allocate(INFLIGHT_SIZE).putLong(INFLIGHT_MMAP_SIZE, mmapSize).putLong(INFLIGHT_MMAP_OFFSET, mmapOffset)
                    .putShort(INFLIGHT_NUM_QUEUES, (short) queueCount).putShort(INFLIGHT_QUEUE_SIZE, (short) queueSize)
                    .array();
        }
    }

    /** The SET_MEM_TABLE payload. */
    public static byte[] encodeMemoryTable(List<RegionDescription> regions) {
        ByteBuffer b = allocate(MEMORY_REGIONS + regions.size() * MEMORY_REGION_SIZE);
        b.putInt(MEMORY_COUNT, regions.size());
        for (int i = 0; i < regions.size(); i++) {
            RegionDescription r = regions.get(i);
            int at = MEMORY_REGIONS + i * MEMORY_REGION_SIZE;
            b.putLong(at + REGION_GUEST_ADDRESS, r.guestAddress()).putLong(at + REGION_SIZE, r.size())
                    .putLong(at + REGION_USER_ADDRESS, r.userAddress()).putLong(at + REGION_MMAP_OFFSET, r.mmapOffset());
        }
        return b.array();
    }

    /** The region count a SET_MEM_TABLE payload announces (at least 4 bytes are present). */
    public static int memoryTableCount(byte[] payload) {
        return wrap(payload).getInt(MEMORY_COUNT);
    }

    /** Payload size of a memory table of {@code count} regions. */
    public static int memoryTableSize(int count) {
        return MEMORY_REGIONS + count * MEMORY_REGION_SIZE;
    }

    /** The regions of a SET_MEM_TABLE payload whose size the caller checked against its count. */
    public static List<RegionDescription> decodeMemoryTable(byte[] payload) {
        ByteBuffer b = wrap(payload);
        int count = b.getInt(MEMORY_COUNT);
        List<RegionDescription> regions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = MEMORY_REGIONS + i * MEMORY_REGION_SIZE;
            regions.add(new RegionDescription(b.getLong(at + REGION_GUEST_ADDRESS), b.getLong(at + REGION_SIZE),
                    b.getLong(at + REGION_USER_ADDRESS), b.getLong(at + REGION_MMAP_OFFSET)));
        }
        return regions;
    }
}
