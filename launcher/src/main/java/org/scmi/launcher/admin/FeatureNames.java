package org.scmi.launcher.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Negotiated virtio feature bits of a virtio-scmi device, named as the virtio specification names them. */
final class FeatureNames {
    private static final Map<Integer, String> NAMES = new TreeMap<>(Map.of(
            0, "P2A_CHANNELS",
            1, "SHARED_MEMORY",
            28, "INDIRECT_DESC",
            29, "EVENT_IDX",
            32, "VERSION_1",
            33, "ACCESS_PLATFORM",
            34, "RING_PACKED",
            35, "IN_ORDER"));

    private FeatureNames() {
    }

    /** {@code VERSION_1,P2A_CHANNELS}; bits without a name as {@code bit30}; {@code -} for none. */
    static String describe(long features) {
        if (features == 0) {
            return "-";
        }
        List<String> names = new ArrayList<>();
        for (int bit = 63; bit >= 0; bit--) {
            if ((features & (1L << bit)) != 0) {
                names.add(NAMES.getOrDefault(bit, "bit" + bit));
            }
        }
        return String.join(",", names);
    }
}
