package org.scmi.support;

import java.util.List;
import org.scmi.api.ResourceKind;

/** A protocol's clocks as tests number them: {@code board/<key>} named by their name. */
final class TestResources extends NumberedResources<TestResources.Item> {

    record Item(String name, String settingKey) implements NumberedResources.Named {
        static Item of(String key, String name) {
            return new Item(name, "board/" + key);
        }
    }

    TestResources(Item... items) {
        super(List.of(items), ResourceKind.CLOCKS);
    }
}
