package org.scmi.base;

import java.util.function.Consumer;
import org.scmi.api.Reply;

/**
 * The validated Base configuration. Each invalid attribute is reported by name and replaced by its
 * default, so a typo in one value never takes the protocol down or puts bad bytes on the wire.
 */
record BaseSettings(String vendor, String subVendor, int implementationVersion, String platformName) {
    static final String DEFAULT_VENDOR = "SCMI-OSGi";
    static final String DEFAULT_SUB_VENDOR = "Java";
    static final long DEFAULT_IMPLEMENTATION_VERSION = 0x0001_0000L;
    static final String DEFAULT_PLATFORM_NAME = "platform";

    /** Configuration property names, as ConfigAdmin and the metatype show them. */
    static final String VENDOR = "vendor";
    static final String SUB_VENDOR = "sub.vendor";
    static final String IMPLEMENTATION_VERSION = "implementation.version";
    static final String PLATFORM_NAME = "platform.name";

    /** Names travel in 16-byte NUL-terminated fields. */
    static final int MAX_NAME_LENGTH = Reply.SHORT_NAME - 1;
    private static final long MAX_U32 = 0xFFFF_FFFFL;

    /**
     * Validates a configuration.
     *
     * @param problems receives one sentence per invalid attribute, naming it
     */
    static BaseSettings from(BaseConfiguration config, Consumer<String> problems) {
        return new BaseSettings(
                name(VENDOR, config.vendor(), DEFAULT_VENDOR, problems),
                name(SUB_VENDOR, config.sub_vendor(), DEFAULT_SUB_VENDOR, problems),
                u32(IMPLEMENTATION_VERSION, config.implementation_version(), DEFAULT_IMPLEMENTATION_VERSION, problems),
                name(PLATFORM_NAME, config.platform_name(), DEFAULT_PLATFORM_NAME, problems));
    }

    private static String name(String attribute, String value, String fallback, Consumer<String> problems) {
        if (value != null && !value.isEmpty() && value.length() <= MAX_NAME_LENGTH
                && value.chars().allMatch(c -> c >= ' ' && c <= '~')) {
            return value;
        }
        problems.accept(String.format("%s = \"%s\" is not 1 to %d printable ASCII characters; using \"%s\"",
                attribute, value, MAX_NAME_LENGTH, fallback));
        return fallback;
    }

    private static int u32(String attribute, long value, long fallback, Consumer<String> problems) {
        if (value >= 0 && value <= MAX_U32) {
            return (int) value;
        }
        problems.accept(String.format("%s = %d is not a 32-bit unsigned value; using 0x%08x",
                attribute, value, fallback));
        return (int) fallback;
    }
}
