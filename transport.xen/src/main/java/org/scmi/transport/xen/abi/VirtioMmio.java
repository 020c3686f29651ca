package org.scmi.transport.xen.abi;

/**
 * The virtio-mmio version 2 register map (virtio 1.2 section 4.2.2, Linux
 * {@code uapi/linux/virtio_mmio.h}) and the device status bits. Control registers are 32 bits
 * wide; device-specific configuration starts at {@link #CONFIG}.
 */
public final class VirtioMmio {
    public static final int MAGIC_VALUE = 0x000;
    public static final int VERSION = 0x004;
    public static final int DEVICE_ID = 0x008;
    public static final int VENDOR_ID = 0x00c;
    public static final int DEVICE_FEATURES = 0x010;
    public static final int DEVICE_FEATURES_SEL = 0x014;
    public static final int DRIVER_FEATURES = 0x020;
    public static final int DRIVER_FEATURES_SEL = 0x024;
    /** Legacy (version 1) only; a version 2 driver must not touch them. */
    public static final int LEGACY_GUEST_PAGE_SIZE = 0x028;
    public static final int QUEUE_SEL = 0x030;
    public static final int QUEUE_NUM_MAX = 0x034;
    public static final int QUEUE_NUM = 0x038;
    public static final int LEGACY_QUEUE_ALIGN = 0x03c;
    public static final int LEGACY_QUEUE_PFN = 0x040;
    public static final int QUEUE_READY = 0x044;
    public static final int QUEUE_NOTIFY = 0x050;
    public static final int INTERRUPT_STATUS = 0x060;
    public static final int INTERRUPT_ACK = 0x064;
    public static final int STATUS = 0x070;
    public static final int QUEUE_DESC_LOW = 0x080;
    public static final int QUEUE_DESC_HIGH = 0x084;
    public static final int QUEUE_DRIVER_LOW = 0x090;
    public static final int QUEUE_DRIVER_HIGH = 0x094;
    public static final int QUEUE_DEVICE_LOW = 0x0a0;
    public static final int QUEUE_DEVICE_HIGH = 0x0a4;
    public static final int SHM_SEL = 0x0ac;
    public static final int SHM_LEN_LOW = 0x0b0;
    public static final int SHM_LEN_HIGH = 0x0b4;
    public static final int SHM_BASE_LOW = 0x0b8;
    public static final int SHM_BASE_HIGH = 0x0bc;
    public static final int QUEUE_RESET = 0x0c0;
    public static final int CONFIG_GENERATION = 0x0fc;
    public static final int CONFIG = 0x100;
    /** Bytes of register space per device. */
    public static final int REGION_SIZE = 0x200;
    /** Width of every control register. */
    public static final int REGISTER_SIZE = 4;

    /** "virt" in little-endian ASCII. */
    public static final int MAGIC = 0x74726976;
    public static final int MODERN_VERSION = 2;
    /** Our vendor id: "SCMI" in little-endian ASCII. */
    public static final int VENDOR = 0x494d4353;

    public static final int STATUS_ACKNOWLEDGE = 1;
    public static final int STATUS_DRIVER = 2;
    public static final int STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8;
    public static final int STATUS_DEVICE_NEEDS_RESET = 0x40;
    public static final int STATUS_FAILED = 0x80;

    /** InterruptStatus bits. */
    public static final int INTERRUPT_USED_BUFFER = 1;
    public static final int INTERRUPT_CONFIG_CHANGE = 2;

    /** VIRTIO_F_ACCESS_PLATFORM: the device reaches memory through a platform translation (Xen grants). */
    public static final int F_ACCESS_PLATFORM = 33;

    private VirtioMmio() {
    }
}
