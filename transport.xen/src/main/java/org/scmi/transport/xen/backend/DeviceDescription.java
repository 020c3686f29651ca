package org.scmi.transport.xen.backend;

import org.scmi.transport.xen.abi.VirtioMmio;
import org.scmi.transport.xen.abi.XenAbi;
import org.scmi.virtio.device.GuestIdentity;

/**
 * One virtio-mmio device of a guest, as XenStore (libxl) or the static dom0less configuration
 * describes it.
 *
 * @param frontendDomid the guest
 * @param devid the device's index among the guest's virtio devices
 * @param base guest-physical address of its 0x200-byte register region
 * @param irq its interrupt, a GIC INTID (SPI 33..43 for libxl's allocation)
 * @param grants whether the guest is told to use grants ({@code grant_usage}); the addresses it
 *     actually writes decide, since a kernel without grant-DMA support falls back to physical ones
 */
public record DeviceDescription(int frontendDomid, int devid, long base, int irq, boolean grants) {

    public DeviceDescription {
        if (frontendDomid <= 0 || frontendDomid >= XenAbi.DOMID_SELF) {
            throw new IllegalArgumentException("frontend domid " + frontendDomid + " is not a guest domain");
        }
        if (devid < 0) {
            throw new IllegalArgumentException("devid " + devid + " is negative");
        }
        if ((base & (VirtioMmio.REGION_SIZE - 1)) != 0 || base <= 0) {
            throw new IllegalArgumentException(String.format("base 0x%x is not a 0x%x-aligned MMIO address", base,
                    VirtioMmio.REGION_SIZE));
        }
        if (irq < XenAbi.GIC_FIRST_SPI) {
            throw new IllegalArgumentException("irq " + irq + " is not an SPI (GIC INTID 32 or more)");
        }
    }

    /** Last byte of the register region. */
    public long end() {
        return base + VirtioMmio.REGION_SIZE - 1;
    }

    /** Names the device in logs: domain id and device index, as {@code xl} and XenStore show them. */
    public String key() {
        return "xen:" + frontendDomid + "/" + devid;
    }

    /**
     * Who the guest is: named by its domain's name (or VM UUID), never by its domain id, which
     * changes each time the domain is created. Its session ends only when the device goes away
     * (the domain is destroyed, the device removed): the guest is then gone for good.
     *
     * @param name the domain's name
     * @param uuid the domain's VM UUID, or empty
     */
    public GuestIdentity identity(String name, String uuid) {
        return new GuestIdentity("xen:" + name + "/" + devid, name, uuid, true);
    }

    /** Parses a number as xl/libxl write it: decimal, or hexadecimal with 0x. */
    static long parseNumber(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("0x") || trimmed.startsWith("0X")) {
            return Long.parseUnsignedLong(trimmed.substring(2), 16);
        }
        return Long.parseLong(trimmed);
    }
}
