package ai.zkllm.squeeze.calib;

import java.util.Arrays;

/** Range of the values seen at one non-linear site: min, max, mean, std and percentiles. */
public record SiteStats(String site, long count, double min, double max, double mean, double std, double p001,
        double p01, double p50, double p99, double p999) {

    /** Accumulates values (all kept; calibration sets are small). */
    public static final class Builder {
        private final String site;
        private double[] v = new double[1024];
        private int n;

        public Builder(String site) {
            this.site = site;
        }

        public void add(double x) {
            if (n == v.length) {
                v = Arrays.copyOf(v, n * 2);
            }
            v[n++] = x;
        }

        public void addAll(double[] xs) {
            for (double x : xs) {
                add(x);
            }
        }

        public SiteStats build() {
            if (n == 0) {
                return new SiteStats(site, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            }
            double[] s = Arrays.copyOf(v, n);
            Arrays.sort(s);
            double mean = 0;
            for (double x : s) {
                mean += x;
            }
            mean /= n;
            double var = 0;
            for (double x : s) {
                var += (x - mean) * (x - mean);
            }
            return new SiteStats(site, n, s[0], s[n - 1], mean, Math.sqrt(var / n), pct(s, 0.001), pct(s, 0.01),
                    pct(s, 0.5), pct(s, 0.99), pct(s, 0.999));
        }

        private static double pct(double[] s, double q) {
            double idx = q * (s.length - 1);
            int lo = (int) Math.floor(idx);
            int hi = Math.min(s.length - 1, lo + 1);
            return s[lo] + (s[hi] - s[lo]) * (idx - lo);
        }
    }
}
