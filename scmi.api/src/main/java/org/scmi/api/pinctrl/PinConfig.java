package org.scmi.api.pinctrl;

/**
 * One configuration of a pin: a type ({@link PinConfigTypes}) and its value, an unsigned 32-bit
 * word.
 */
public record PinConfig(int type, long value) {
    public PinConfig {
        if (type < 0 || type > PinConfigTypes.OEM_LAST || value < 0 || value > PinConfigRange.WORD_MAX) {
            throw new IllegalArgumentException("config type " + type + " value " + value + " out of range");
        }
    }

    @Override
    public String toString() {
        return PinConfigTypes.name(type) + "=" + value;
    }
}
