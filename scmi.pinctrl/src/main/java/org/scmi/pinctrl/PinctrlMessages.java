package org.scmi.pinctrl;

import org.scmi.api.Payload;
import org.scmi.api.Reply;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;
import org.scmi.support.Paging;

/**
 * Wire facts of the Pin control protocol (0x19, v1.0, SCMI v3.2): message ids, the fields of every
 * flags and attributes word, parameter sizes, and the reading of the selector fields that every
 * message shares.
 */
final class PinctrlMessages {
    static final int PINCTRL_PROTOCOL_ID = 0x19;
    /** v1.0, the version Linux 6.11 to 7.x speaks. */
    static final int VERSION = 0x1_0000;

    static final int ATTRIBUTES = 0x3;
    static final int LIST_ASSOCIATIONS = 0x4;
    static final int SETTINGS_GET = 0x5;
    static final int SETTINGS_CONFIGURE = 0x6;
    static final int REQUEST = 0x7;
    static final int RELEASE = 0x8;
    static final int NAME_GET = 0x9;
    static final int SET_PERMISSIONS = 0xA;

    /** PROTOCOL_ATTRIBUTES low word: bits 31:16 groups, 15:0 pins; high word bits 15:0 functions. */
    static final int GROUP_COUNT_SHIFT = 16;
    static final int COUNT_MASK = 0xFFFF;

    /** Identifiers are 16 bits; the platform ignores the upper half of the identifier word. */
    static final int IDENTIFIER_MASK = 0xFFFF;

    /** Selector values (the flags of most messages, bits 1:0). */
    static final int SELECTOR_PIN = 0;
    static final int SELECTOR_GROUP = 1;
    static final int SELECTOR_FUNCTION = 2;
    static final int SELECTOR_MASK = 0x3;

    /** PINCTRL_ATTRIBUTES attributes bit 31: PINCTRL_NAME_GET gives a longer name. */
    static final int ATTR_EXTENDED_NAME = 1 << 31;
    /** PINCTRL_ATTRIBUTES attributes bits 15:0: pins of a group, groups of a function, 1 for a pin. */
    static final int ATTR_ELEMENTS_MASK = 0xFFFF;
    static final int PIN_ELEMENTS = 1;

    /** PINCTRL_LIST_ASSOCIATIONS flags: bits 11:0 ids in this reply, 31:16 ids after it. */
    static final Paging.Counts ASSOCIATION_COUNTS = new Paging.Counts(0xFFF, 16);
    /** Each association is a 16-bit identifier. */
    static final int ASSOCIATION_BYTES = Short.BYTES;

    /** PINCTRL_SETTINGS_GET attributes: bits 31:20 reserved. */
    static final int GET_RESERVED = 0xFFF0_0000;
    /** Bits 19:18: the config flag. */
    static final int GET_FLAG_SHIFT = 18;
    static final int GET_FLAG_MASK = 0x3;
    static final int GET_ONE = 0;
    static final int GET_ALL = 1;
    static final int GET_FUNCTION_ONLY = 2;
    /** Bits 17:16: the selector (pin or group). */
    static final int GET_SELECTOR_SHIFT = 16;
    /** Bits 15:8: configs to skip (get all). */
    static final int GET_SKIP_SHIFT = 8;
    static final int BYTE_MASK = 0xFF;
    /** num_configs: bits 7:0 configs in this reply, 31:24 configs after it. */
    static final Paging.Counts CONFIG_COUNTS = new Paging.Counts(0xFF, 24);
    /** A config in a reply or a command: type word, value word. */
    static final int CONFIG_BYTES = 2 * Integer.BYTES;
    /** function_selected (and function_id) when no function is selected. */
    static final int NO_FUNCTION = 0xFFFF_FFFF;

    /** PINCTRL_SETTINGS_CONFIGURE attributes: bits 31:11 reserved. */
    static final int CONFIGURE_RESERVED = 0xFFFF_F800;
    /** Bit 10: function_id is valid. */
    static final int CONFIGURE_FUNCTION_VALID = 1 << 10;
    /** Bits 9:2: number of configs that follow. */
    static final int CONFIGURE_COUNT_SHIFT = 2;
    /** A config's type word: bits 7:0 the type, 31:8 reserved. */
    static final int CONFIG_TYPE_RESERVED = 0xFFFF_FF00;

    /** PINCTRL_SET_PERMISSIONS flags bit 2: 1 allows access, 0 denies it; bits 31:3 reserved. */
    static final int PERMISSION_ALLOW = 1 << 2;
    static final int PERMISSION_RESERVED = 0xFFFF_FFF8;

    /** PINCTRL_NAME_GET reply flags word: reserved, zero. */
    static final int NAME_FLAGS = 0;

    /** identifier, flags. */
    static final int IDENTIFIER_AND_FLAGS_LENGTH = 8;
    /** identifier, flags, index. */
    static final int LIST_ASSOCIATIONS_LENGTH = 12;
    /** identifier, function_id, attributes: the fixed part of SETTINGS_CONFIGURE. */
    static final int CONFIGURE_HEADER_LENGTH = 12;
    /** agent_id, identifier, flags. */
    static final int SET_PERMISSIONS_LENGTH = 12;

    /** What a selector names, in messages. */
    enum Kind {
        PIN("pin"), GROUP("group"), FUNCTION("function");

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }

        String noun() {
            return noun;
        }
    }

    private PinctrlMessages() {
    }

    /**
     * The kind a flags word's selector names, its other bits checked against {@code reserved}.
     *
     * @param kinds the kinds this message takes, by selector value
     * @throws ScmiException INVALID_PARAMETERS for reserved bits or a selector the message does not take
     */
    static Kind selector(int flags, int shift, int reserved, Kind... kinds) throws ScmiException {
        if ((flags & reserved) != 0) {
            throw invalid("reserved bits set: 0x" + Integer.toHexString(flags));
        }
        int selector = flags >>> shift & SELECTOR_MASK;
        for (Kind kind : kinds) {
            if (kind.ordinal() == selector) {
                return kind;
            }
        }
        throw invalid("selector " + selector + " is not taken here");
    }

    /** The 16-bit identifier of an identifier word. */
    static int identifier(Payload parameters) throws ScmiException {
        return parameters.u32() & IDENTIFIER_MASK;
    }

    /** A 16-bit little-endian association id. */
    static void association(Reply reply, int id) throws ScmiException {
        reply.u16(id);
    }

    static ScmiException invalid(String reason) {
        return new ScmiException(ScmiStatus.INVALID_PARAMETERS, reason);
    }
}
