package org.scmi.launcher.e2e;

import static org.scmi.launcher.e2e.Scmi.BASE;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_AGENT;
import static org.scmi.launcher.e2e.Scmi.BASE_DISCOVER_LIST_PROTOCOLS;
import static org.scmi.launcher.e2e.Scmi.CLOCK;
import static org.scmi.launcher.e2e.Scmi.CLOCK_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.CLOCK_RATE_GET;
import static org.scmi.launcher.e2e.Scmi.LINUX_RESPONSE_BUFFER;
import static org.scmi.launcher.e2e.Scmi.PINCTRL;
import static org.scmi.launcher.e2e.Scmi.POWER;
import static org.scmi.launcher.e2e.Scmi.POWER_DOMAIN_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.PROTOCOL_ATTRIBUTES;
import static org.scmi.launcher.e2e.Scmi.RESET;
import static org.scmi.launcher.e2e.Scmi.RESPONSE_PREFIX;
import static org.scmi.launcher.e2e.Scmi.SENSOR;
import static org.scmi.launcher.e2e.Scmi.SENSOR_DESCRIPTION_GET;
import static org.scmi.launcher.e2e.Scmi.SHORT_NAME;
import static org.scmi.launcher.e2e.Scmi.VOLTAGE;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.scmi.api.ScmiStatus;
import org.scmi.linux.LinuxException;

/** What a guest sees, read the way a Linux driver reads it: counts, then each resource's name by id. */
final class Views {
    /** PROTOCOL_ATTRIBUTES count fields: power and clock bits 15:0, sensor bits 15:0. */
    private static final int COUNT_MASK = 0xFFFF;
    /** RESET_DOMAIN_ATTRIBUTES, VOLTAGE_DOMAIN_ATTRIBUTES and PINCTRL_ATTRIBUTES share message id 3. */
    private static final int DOMAIN_ATTRIBUTES = 0x3;
    private static final int PIN_GROUPS_SHIFT = 16;
    /** The count of returned descriptors in a SENSOR_DESCRIPTION_GET reply: bits 11:0. */
    private static final int RETURNED_MASK = 0xFFF;
    /** Bytes of a sensor descriptor before its optional extended attributes. */
    private static final int DESCRIPTOR_BASE = 28;
    private static final int EXTENDED_ATTRIBUTES_BIT = 1 << 8;
    private static final int EXTENDED_ATTRIBUTES_SIZE = 4;
    private static final int RANGE_SIZE = 20;
    private static final int MULTI_AXIS = 1 << 8;

    private Views() {
    }

    /** The clock names the guest sees, in its clock id order. */
    static List<String> clocks(ScmiGuest guest) throws LinuxException {
        return names(guest, CLOCK, RESPONSE_PREFIX + 4, CLOCK_ATTRIBUTES, RESPONSE_PREFIX + 24);
    }

    /** The power domain names the guest sees, in its domain id order. */
    static List<String> powerDomains(ScmiGuest guest) throws LinuxException {
        return names(guest, POWER, RESPONSE_PREFIX + 16, POWER_DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 20);
    }

    /** The reset domain names (short, at most 15 characters) the guest sees, in its domain id order. */
    static List<String> resetDomains(ScmiGuest guest) throws LinuxException {
        return names(guest, RESET, RESPONSE_PREFIX + 4, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 24, 4);
    }

    /** The voltage domain names (short) the guest sees, in its domain id order. */
    static List<String> voltageDomains(ScmiGuest guest) throws LinuxException {
        return names(guest, VOLTAGE, RESPONSE_PREFIX + 4, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 20);
    }

    /** The names (short) of the pins, groups or functions ({@code selector} 0, 1, 2) the guest sees. */
    static List<String> pinctrl(ScmiGuest guest, int selector) throws LinuxException {
        Response attributes = guest.call(PINCTRL, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 8);
        int count = selector == 0 ? attributes.value(0) & COUNT_MASK
                : selector == 1 ? attributes.value(0) >>> PIN_GROUPS_SHIFT : attributes.value(1) & COUNT_MASK;
        List<String> names = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            names.add(name(guest.call(PINCTRL, DOMAIN_ATTRIBUTES, RESPONSE_PREFIX + 20, id, selector).bytes(), 3));
        }
        return names;
    }

    /**
     * The names of a protocol's resources as a driver reads them: the count from
     * PROTOCOL_ATTRIBUTES, then each resource's attributes, whose short name follows the attributes word.
     */
    private static List<String> names(ScmiGuest guest, int protocol, int attributesReply, int describe,
            int describeReply) throws LinuxException {
        return names(guest, protocol, attributesReply, describe, describeReply, 3);
    }

    /** {@link #names(ScmiGuest, int, int, int, int)} with the name at word {@code nameWord} of the reply. */
    private static List<String> names(ScmiGuest guest, int protocol, int attributesReply, int describe,
            int describeReply, int nameWord) throws LinuxException {
        List<String> names = new ArrayList<>();
        int count = guest.call(protocol, PROTOCOL_ATTRIBUTES, attributesReply).value(0) & COUNT_MASK;
        for (int id = 0; id < count; id++) {
            names.add(name(guest.call(protocol, describe, describeReply, id).bytes(), nameWord));
        }
        return names;
    }

    /** The sensor names the guest sees, in its sensor id order, from SENSOR_DESCRIPTION_GET pages. */
    static List<String> sensors(ScmiGuest guest) throws LinuxException {
        List<String> names = new ArrayList<>();
        int count = guest.call(SENSOR, PROTOCOL_ATTRIBUTES, RESPONSE_PREFIX + 16).value(0) & COUNT_MASK;
        while (names.size() < count) {
            ByteBuffer page = ByteBuffer.wrap(guest.call(SENSOR, SENSOR_DESCRIPTION_GET, LINUX_RESPONSE_BUFFER,
                    names.size()).bytes()).order(ByteOrder.LITTLE_ENDIAN);
            page.position(RESPONSE_PREFIX);
            int returned = page.getInt() & RETURNED_MASK;
            for (int i = 0; i < returned; i++) {
                int start = page.position();
                if (page.getInt() != names.size()) {
                    throw new AssertionError("descriptor " + names.size() + " carries another id");
                }
                int low = page.getInt();
                int high = page.getInt();
                byte[] name = new byte[SHORT_NAME];
                page.get(name);
                names.add(cString(name));
                int size = DESCRIPTOR_BASE + ((low & EXTENDED_ATTRIBUTES_BIT) == 0 ? 0
                        : EXTENDED_ATTRIBUTES_SIZE + ((high & MULTI_AXIS) != 0 ? 0 : RANGE_SIZE));
                page.position(start + size);
            }
        }
        return names;
    }

    /** The protocols Base lists for the guest. */
    static List<Integer> protocols(ScmiGuest guest) throws LinuxException {
        Response list = guest.call(BASE, BASE_DISCOVER_LIST_PROTOCOLS, LINUX_RESPONSE_BUFFER, 0);
        int count = list.value(0);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(list.value(1 + i / 4) >>> 8 * (i % 4) & 0xFF);
        }
        return ids;
    }

    /** BASE_DISCOVER_AGENT of an agent id: its name, or the status when the guest may not see it. */
    static String agent(ScmiGuest guest, int agentId) throws LinuxException {
        Response discovered = guest.call(BASE, BASE_DISCOVER_AGENT, RESPONSE_PREFIX + 20, agentId);
        if (discovered.status() != ScmiStatus.SUCCESS.code()) {
            return ScmiStatus.of(discovered.status()).name();
        }
        return discovered.value(0) + " " + name(discovered.bytes(), 3);
    }

    /** The rate of the guest's clock {@code id}, in Hz. */
    static long rate(ScmiGuest guest, int id) throws LinuxException {
        Response rate = guest.call(CLOCK, CLOCK_RATE_GET, RESPONSE_PREFIX + 8, id);
        return Integer.toUnsignedLong(rate.value(0)) | (long) rate.value(1) << 32;
    }

    /** The short name field starting at word {@code word} of a reply. */
    private static String name(byte[] reply, int word) {
        byte[] field = new byte[SHORT_NAME];
        System.arraycopy(reply, 4 * word, field, 0, Math.min(SHORT_NAME, reply.length - 4 * word));
        return cString(field);
    }

    private static String cString(byte[] field) {
        int end = 0;
        while (end < field.length && field[end] != 0) {
            end++;
        }
        return new String(field, 0, end, StandardCharsets.US_ASCII);
    }
}
