package org.scmi.launcher.bench;

/** The least-squares line through points: how steeply a reading grows with what it is read against. */
final class LeastSquares {
    private LeastSquares() {
    }

    /** The slope of the line through (x[i], y[i]); NaN for fewer than two distinct x. */
    static double slope(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " x values for " + y.length + " y values");
        }
        double meanX = mean(x);
        double meanY = mean(y);
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX;
            covariance += dx * (y[i] - meanY);
            variance += dx * dx;
        }
        return variance == 0 ? Double.NaN : covariance / variance;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }
}
