package org.classchain.core.auth;

/**
 * How many PBKDF2 iterations new credentials get, and the fewest allowed.
 *
 * <p>Use {@link #DEFAULT} or {@link #withIterations}; both keep the minimum at
 * {@value #MINIMUM_ITERATIONS}. A lower {@code minimumIterations} exists only so that tests can
 * create credentials quickly, and says so at the call site.
 *
 * @param iterations the count given to new credentials
 * @param minimumIterations the fewest this policy accepts when creating
 */
public record PasswordPolicy(int iterations, int minimumIterations) {

    /** The fewest iterations a production credential is created with. */
    public static final int MINIMUM_ITERATIONS = 100_000;
    /** The iterations a production credential is created with. */
    public static final int DEFAULT_ITERATIONS = 120_000;
    /** The production policy. */
    public static final PasswordPolicy DEFAULT = new PasswordPolicy(DEFAULT_ITERATIONS, MINIMUM_ITERATIONS);

    /** Refuses a minimum below 1 and iterations below the minimum. */
    public PasswordPolicy {
        if (minimumIterations < 1) {
            throw new IllegalArgumentException("the minimum iteration count is at least 1");
        }
        if (iterations < minimumIterations) {
            throw new IllegalArgumentException("refusing " + iterations + " PBKDF2 iterations: the minimum is "
                    + minimumIterations);
        }
    }

    /** The production minimum with another iteration count; refuses fewer than {@value #MINIMUM_ITERATIONS}. */
    public static PasswordPolicy withIterations(int iterations) {
        return new PasswordPolicy(iterations, MINIMUM_ITERATIONS);
    }
}
