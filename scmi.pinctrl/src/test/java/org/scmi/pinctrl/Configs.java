package org.scmi.pinctrl;

import java.lang.annotation.Annotation;

/** Configuration objects as Declarative Services builds them. */
final class Configs {
    private Configs() {
    }

    static PinctrlProtocolConfig pinctrl(int driverGraceMillis) {
        return new PinctrlProtocolConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PinctrlProtocolConfig.class;
            }

            @Override
            public int driverGraceMillis() {
                return driverGraceMillis;
            }
        };
    }
}
