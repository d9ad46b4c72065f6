package dev.assay.assembler;

/**
 * Personalised PageRank by power iteration over a weighted directed graph given as adjacency lists. Written here
 * because the libraries in reach do not take a personalisation vector (JGraphT's {@code PageRank} teleports
 * uniformly), and a repository's file graph is small: a few thousand nodes, tens of iterations.
 */
final class PersonalizedPageRank {
    private PersonalizedPageRank() {
    }

    /**
     * @param targets         {@code targets[i]}: the nodes node i links to
     * @param weights         {@code weights[i][k]}: the weight of the link to {@code targets[i][k]}, positive
     * @param personalization where a random walk restarts, non-negative; all zero means uniform
     * @param damping         the probability of following a link rather than restarting
     * @return the stationary probability of each node, summing to 1
     */
    static double[] rank(int[][] targets, double[][] weights, double[] personalization, double damping, int maxIterations,
            double tolerance) {
        int n = targets.length;
        double[] restart = normalized(personalization);
        double[] outWeight = new double[n];
        for (int i = 0; i < n; i++) {
            for (double w : weights[i]) {
                outWeight[i] += w;
            }
        }
        double[] rank = restart.clone();
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double[] next = new double[n];
            double dangling = 0;
            for (int i = 0; i < n; i++) {
                if (outWeight[i] == 0) {
                    dangling += rank[i];
                    continue;
                }
                for (int k = 0; k < targets[i].length; k++) {
                    next[targets[i][k]] += damping * rank[i] * weights[i][k] / outWeight[i];
                }
            }
            // A node without links hands its rank back to the restart distribution, as a restart would.
            double restartMass = 1 - damping + damping * dangling;
            double change = 0;
            for (int i = 0; i < n; i++) {
                next[i] += restartMass * restart[i];
                change += Math.abs(next[i] - rank[i]);
            }
            rank = next;
            if (change < tolerance) {
                break;
            }
        }
        return rank;
    }

    private static double[] normalized(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = sum > 0 ? values[i] / sum : 1.0 / values.length;
        }
        return out;
    }
}
