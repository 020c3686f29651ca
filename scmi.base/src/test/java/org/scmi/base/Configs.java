package org.scmi.base;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Configuration objects as Declarative Services builds them: given values, defaults for the rest. */
final class Configs {
    private Configs() {
    }

    /** @param values attribute values keyed by method name (e.g. {@code sub_vendor}) */
    static BaseConfiguration of(Map<String, Object> values) {
        return (BaseConfiguration) Proxy.newProxyInstance(BaseConfiguration.class.getClassLoader(),
                new Class<?>[] {BaseConfiguration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> BaseConfiguration.class;
                    case "toString" -> "BaseConfiguration" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    static BaseConfiguration defaults() {
        return of(Map.of());
    }
}
