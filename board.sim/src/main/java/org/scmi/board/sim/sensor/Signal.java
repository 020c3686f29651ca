package org.scmi.board.sim.sensor;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How one simulated value moves: a slow sine around a base, plus uniform noise. Values are in the
 * sensor's physical unit (degrees, volts, m/s²).
 *
 * @param base centre value
 * @param amplitude height of the sine
 * @param periodSeconds length of one sine period
 * @param phase where in its period the sine starts, in radians
 * @param noise largest random deviation either way
 */
record Signal(double base, double amplitude, double periodSeconds, double phase, double noise) {

    /** The value {@code seconds} after the board started. */
    double at(double seconds) {
        double wave = amplitude == 0 ? 0 : amplitude * Math.sin(2 * Math.PI * seconds / periodSeconds + phase);
        double jitter = noise == 0 ? 0 : noise * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return base + wave + jitter;
    }
}
