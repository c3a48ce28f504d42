package org.classchain.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on a condition, checked every 20 ms, instead of sleeping through time. */
public final class Await {

    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when it did not within {@code within}. */
    public static void until(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting " + within + " until " + what);
            }
            Thread.sleep(20);
        }
    }
}
