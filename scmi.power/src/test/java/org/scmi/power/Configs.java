package org.scmi.power;

import java.lang.annotation.Annotation;

/** Configuration objects as Declarative Services builds them. */
final class Configs {
    private Configs() {
    }

    static PowerProtocolConfig power(int driverGraceMillis) {
        return new PowerProtocolConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PowerProtocolConfig.class;
            }

            @Override
            public int driverGraceMillis() {
                return driverGraceMillis;
            }
        };
    }
}
