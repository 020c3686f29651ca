package org.scmi.board.sim.testing;

import java.lang.annotation.Annotation;
import org.scmi.board.sim.file.BoardFileConfig;

/** Configurations of the simulated board parts, as Configuration Admin would hand them over. */
public final class BoardFileConfigs {
    private BoardFileConfigs() {
    }

    /** No board file: the built-in board. */
    public static BoardFileConfig builtIn() {
        return file("");
    }

    /** The board file at {@code path}. */
    public static BoardFileConfig file(String path) {
        return new BoardFileConfig() {
            @Override
            public String file() {
                return path;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return BoardFileConfig.class;
            }
        };
    }
}
